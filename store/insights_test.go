package store

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
)

func TestMatchesEvent(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	e := event.Event{
		EventID: "o1-pay", CorrelationID: "order-1", Type: "PaymentRequested", Source: "payment",
		Topic: "payments", Key: "order-1", Time: t0,
		Headers: []event.Header{{Key: "tenant", Value: "acme"}},
		Payload: []byte(`{"amount":12.5,"note":"it's \"quoted\" \\ ü"}`),
	}
	keyed := event.Event{EventID: "p1", Key: "lonely", Type: "Ping", Topic: "health", Time: t0}
	tests := []struct {
		q    string
		ev   *event.Event
		want bool
	}{
		{"", &e, true},
		{"type:PaymentRequested", &e, true},
		{"type:Payment", &e, false},
		{"type:Payment*", &e, true},
		{"type:paymentrequested", &e, false},
		{"-type:Payment*", &e, false},
		{"-type:OrderPlaced", &e, true},
		{"source:payment topic:pay*", &e, true},
		{"source:payment topic:orders", &e, false},
		{"key:order-1", &e, true},
		{"header:tenant=acme", &e, true},
		{"header:tenant=ac*", &e, true},
		{"header:Tenant=acme", &e, false},
		{"header:tenant=acm", &e, false},
		{`"12.5"`, &e, true},
		{`"\\\"quoted\\\" \\\\ ü"`, &e, true}, // the payload's bytes, backslashes included
		{`"\"quoted\""`, &e, false},
		{`text:Amount`, &e, true},       // text ignores case
		{"order-1", &e, true},           // flow ID
		{"o1-pay", &e, true},            // event ID
		{"id:o1*", &e, true},            // event ID prefix
		{"id:key:lonely", &keyed, true}, // a keyed flow's flow ID
		{"lonely", &keyed, true},        // its key
		{"anomaly:duplicate", &e, true}, // ignored
		{"-anomaly:orphan", &e, true},   // ignored
		{"after:2026-11-01T10:00", &e, true},
		{"after:2026-11-01T10:01", &e, false},
		{"before:2026-11-01T10:00", &e, false}, // the end is exclusive
		{"before:2026-11-01T10:00:01", &e, true},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.q, t0)
		if err != nil {
			t.Fatalf("parse %q: %v", tt.q, err)
		}
		if got := MatchesEvent(q, tt.ev); got != tt.want {
			t.Errorf("MatchesEvent(%q, %s) = %v, want %v", tt.q, tt.ev.EventID, got, tt.want)
		}
	}
}

func TestFieldSet(t *testing.T) {
	tests := []struct {
		payload string
		want    []string
	}{
		{``, nil},
		{`plain text`, nil},
		{`[1,2]`, nil},
		{`{"b":1,"a":{"x":1}}`, []string{"a", "b"}},
		{` {"z":null} `, []string{"z"}},
		{`{}`, []string{}},
		{`{"specversion":"1.0","id":"1","data":{"pizza":"x","size":"l"}}`, []string{"pizza", "size"}},
		{`{"metadata":{"eventId":"1"},"data":{"amount":1}}`, []string{"amount"}},
		{`{"data":{"amount":1},"other":2}`, []string{"data", "other"}}, // not an envelope
		{`{"specversion":"1.0","data":"text"}`, []string{"data", "specversion"}},
		{`{"broken":`, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, FieldSet([]byte(tt.payload))); diff != "" {
			t.Errorf("FieldSet(%s) (-want +got):\n%s", tt.payload, diff)
		}
	}
}

func TestTypeTally(t *testing.T) {
	since := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	tl := NewTypeTally(since)
	before, at := since.Add(-time.Minute), func(s int) time.Time { return since.Add(time.Duration(s) * time.Second) }
	tl.Add("OrderPlaced", "1", []byte(`{"pizza":"x"}`), before)
	tl.Add("OrderPlaced", "1", []byte(`{"pizza":"y"}`), at(5))         // known variant
	tl.Add("OrderPlaced", "1", []byte(`{"pizza":"y"}`), at(1))         // earlier, same variant
	tl.Add("OrderPlaced", "1", []byte(`{"pizza":"y","tip":1}`), at(3)) // drift: new field
	tl.Add("OrderPlaced", "2", []byte(`{"pizza":"y"}`), at(4))         // drift: new version
	tl.Add("LoyaltyPointsAdded", "", []byte(`{"points":3}`), at(2))    // new type
	tl.Add("LoyaltyPointsAdded", "", []byte(`{"points":4}`), since)    // the window includes since
	want := []TypeInfo{
		{Type: "LoyaltyPointsAdded", Fields: []string{"points"}, FirstSeen: since, LastSeen: at(2), Events: 2},
		{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza"}, FirstSeen: at(1), LastSeen: at(5), Events: 2, Known: true, TypeKnown: true},
		{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza", "tip"}, FirstSeen: at(3), LastSeen: at(3), Events: 1, TypeKnown: true},
		{Type: "OrderPlaced", Version: "2", Fields: []string{"pizza"}, FirstSeen: at(4), LastSeen: at(4), Events: 1, TypeKnown: true},
	}
	if diff := cmp.Diff(want, tl.Result()); diff != "" {
		t.Errorf("Result (-want +got):\n%s", diff)
	}
}

func TestBuckets(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		to   time.Time
		step time.Duration
		want int
	}{
		{t0.Add(time.Hour), time.Minute, 60},
		{t0.Add(time.Hour + time.Second), time.Minute, 61},
		{t0, time.Minute, 0},
		{t0.Add(-time.Hour), time.Minute, 0},
		{t0.Add(time.Hour), 0, 0},
	}
	for _, tt := range tests {
		if got := Buckets(t0, tt.to, tt.step); got != tt.want {
			t.Errorf("Buckets(%v, %v) = %d, want %d", tt.to.Sub(t0), tt.step, got, tt.want)
		}
	}
}

// FuzzMatchesEvent checks that negating any term of a parsed query flips
// that term's verdict on an event (and that nothing panics).
func FuzzMatchesEvent(f *testing.F) {
	for _, s := range []string{"type:A", `-source:b* "x\"y"`, "header:h=v key:k*", "id:e1 topic:t", "anomaly:orphan"} {
		f.Add(s, "A", "b", "k", "h", "v", `{"x\"y":1}`)
	}
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, q, typ, src, key, hk, hv, payload string) {
		fq, err := ParseQuery(q, t0)
		if err != nil {
			return
		}
		e := &event.Event{EventID: "e1", CorrelationID: key, Type: typ, Source: src, Topic: "t", Key: key, Time: t0,
			Headers: []event.Header{{Key: hk, Value: hv}}, Payload: []byte(payload)}
		for _, tm := range fq.Terms {
			one := FlowQuery{Terms: []Term{tm}}
			tm.Negate = !tm.Negate
			neg := FlowQuery{Terms: []Term{tm}}
			a, b := MatchesEvent(one, e), MatchesEvent(neg, e)
			if tm.Field == FieldAnomaly {
				if !a || !b {
					t.Fatalf("anomaly term %+v not ignored", tm)
				}
			} else if a == b {
				t.Fatalf("term %+v and its negation agree (%v) on %+v", tm, a, e)
			}
		}
	})
}
