package redact

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       Config
		wantErr    string
	}{
		{name: "no section", yaml: "payload_cap: 1KiB\n", want: Config{}},
		{name: "empty file", yaml: "", want: Config{}},
		{
			name: "shared file",
			yaml: "payload_cap: 1KiB\nredaction:\n  hash_length: 12\n  rules:\n    - topics: [orders]\n      mask: {headers: [x-email], json: [data.email], key: true}\n      drop: {json: ['**.password']}\n",
			want: Config{HashLength: 12, Rules: []Rule{{
				Topics: []string{"orders"},
				Mask:   Fields{Headers: []string{"x-email"}, JSON: []string{"data.email"}, Key: true},
				Drop:   Fields{JSON: []string{"**.password"}},
			}}},
		},
		{name: "unknown key", yaml: "redaction:\n  rulez: []\n", wantErr: "field rulez not found"},
		{name: "empty rule", yaml: "redaction:\n  rules:\n    - topics: [a]\n", wantErr: "rule 1: names nothing"},
		{name: "bad glob", yaml: "redaction:\n  rules:\n    - topics: ['[a']\n      drop: {key: true}\n", wantErr: "bad glob"},
		{name: "bad path", yaml: "redaction:\n  rules:\n    - mask: {json: ['a..b']}\n", wantErr: "empty key"},
		{name: "hash length", yaml: "redaction:\n  hash_length: 4\n  rules:\n    - drop: {key: true}\n", wantErr: "hash_length 4"},
		{name: "policy", yaml: "redaction:\n  unparsable_payload: maybe\n", wantErr: "unparsable_payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.yaml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		path    string
		want    []seg
		wantErr bool
	}{
		{path: "data.customer.email", want: []seg{{kind: segKey, name: "data"}, {kind: segKey, name: "customer"}, {kind: segKey, name: "email"}}},
		{path: "data.items[*].card", want: []seg{{kind: segKey, name: "data"}, {kind: segKey, name: "items"}, {kind: segAnyIndex}, {kind: segKey, name: "card"}}},
		{path: "m[*][2]", want: []seg{{kind: segKey, name: "m"}, {kind: segAnyIndex}, {kind: segIndex, idx: 2}}},
		{path: "[*].email", want: []seg{{kind: segAnyIndex}, {kind: segKey, name: "email"}}},
		{path: "**.password", want: []seg{{kind: segDeep}, {kind: segKey, name: "password"}}},
		{path: "data.*.cvv", want: []seg{{kind: segKey, name: "data"}, {kind: segAny}, {kind: segKey, name: "cvv"}}},
		{path: "", wantErr: true},
		{path: "a.", wantErr: true},
		{path: "a[", wantErr: true},
		{path: "a[x]", wantErr: true},
		{path: "a[-1]", wantErr: true},
		{path: "a*", wantErr: true},
		{path: "**", wantErr: true},
		{path: "a]b", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parsePath(tt.path)
		if (err != nil) != tt.wantErr {
			t.Errorf("parsePath(%q) err = %v, want error %v", tt.path, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(seg{})); diff != "" {
			t.Errorf("parsePath(%q) (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestNewNeedsSecretToMask(t *testing.T) {
	mask := Config{Rules: []Rule{{Mask: Fields{Key: true}}}}
	if _, err := New(mask, nil); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Errorf("New without secret: err = %v, want a secret error", err)
	}
	if _, err := New(mask, []byte("short")); err == nil {
		t.Error("New with a 5-byte secret: want an error")
	}
	drop := Config{Rules: []Rule{{Drop: Fields{Key: true}}}}
	if _, err := New(drop, nil); err != nil {
		t.Errorf("drop-only rules need no secret: %v", err)
	}
}

// TestHashIsKeyedAndStable checks equal values hash equal under one secret
// and differently under another, with the configured length.
func TestHashIsKeyedAndStable(t *testing.T) {
	cfg := Config{HashLength: 10, Rules: []Rule{{Mask: Fields{Headers: []string{"email"}}}}}
	r1, _ := New(cfg, []byte("secret number one, 32 bytes long"))
	r2, _ := New(cfg, []byte("secret number two, 32 bytes long"))
	a, b, c := r1.hash("alice@example.com"), r1.hash("alice@example.com"), r2.hash("alice@example.com")
	if a != b {
		t.Errorf("same secret, same value: %q != %q", a, b)
	}
	if a == c {
		t.Errorf("different secrets gave the same hash %q", a)
	}
	if len(a) != len(Prefix)+10 || !r1.isToken(a) {
		t.Errorf("hash %q: want %s and 10 hex digits", a, Prefix)
	}
}

// TestNoRuleNoWork checks a topic no rule names is not touched and costs
// no allocation.
func TestNoRuleNoWork(t *testing.T) {
	r, err := New(Config{Rules: []Rule{{Topics: []string{"payments"}, Mask: Fields{JSON: []string{"**.card"}}}}}, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	e := event.Event{Topic: "orders", Payload: []byte(`{"card":"4111"}`), Headers: []event.Header{{Key: "card", Value: "x"}}}
	r.Apply(&e) // warm the plan cache
	allocs := testing.AllocsPerRun(1000, func() { r.Apply(&e) })
	if allocs != 0 {
		t.Errorf("Apply on an unmatched topic: %v allocations, want 0", allocs)
	}
	if string(e.Payload) != `{"card":"4111"}` {
		t.Errorf("payload changed: %s", e.Payload)
	}
	var nilR *Redactor
	nilR.Apply(&e) // a nil Redactor is a no-op
}

// TestConcurrentApply runs Apply from several goroutines (go test -race).
func TestConcurrentApply(t *testing.T) {
	r, err := New(Config{Rules: []Rule{{Mask: Fields{Headers: []string{"email"}, JSON: []string{"email"}}}}}, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	want := r.hash("a@b.c")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				e := event.Event{
					Topic:   []string{"a", "b", "c"}[(g+i)%3],
					Headers: []event.Header{{Key: "Email", Value: "a@b.c"}},
					Payload: []byte(`{"email":"a@b.c"}`),
				}
				r.Apply(&e)
				if e.Headers[0].Value != want || string(e.Payload) != `{"email":"`+want+`"}` {
					t.Errorf("got header %q payload %s, want %q", e.Headers[0].Value, e.Payload, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
