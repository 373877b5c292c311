package sqlite

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventscope/eventscope/event"
)

func TestHeadersRoundTrip(t *testing.T) {
	tests := [][]event.Header{
		nil,
		{{Key: "", Value: ""}},
		{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}, {Key: "b", Value: ""}},
		{{Key: "\x00", Value: "\x00\x01\x02\xff"}, {Key: "x\x00\x02y", Value: "\x00"}},
	}
	for _, hs := range tests {
		got, err := decodeHeaders(encodeHeaders(hs))
		if err != nil {
			t.Fatalf("decode %q: %v", hs, err)
		}
		if d := cmp.Diff(hs, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("round trip differs (-want +got):\n%s", d)
		}
	}
}

func TestHeaderNeedleIsExact(t *testing.T) {
	blob := encodeHeaders([]event.Header{{Key: "a", Value: "b\x00\x02c\x00\x01d"}, {Key: "tenant", Value: "acme"}})
	tests := []struct {
		name, value string
		prefix      bool
		want        bool
	}{
		{"tenant", "acme", false, true},
		{"tenant", "acm", false, false},
		{"tenant", "acm", true, true},
		{"enant", "acme", false, false},
		{"c", "d", false, false}, // delimiters inside a value are escaped
		{"a", "b", true, true},
		{"a", "b", false, false},
	}
	for _, tt := range tests {
		if got := bytes.Contains(blob, headerNeedle(tt.name, tt.value, tt.prefix)); got != tt.want {
			t.Errorf("header %q=%q prefix=%v: found %v, want %v", tt.name, tt.value, tt.prefix, got, tt.want)
		}
	}
}

func FuzzHeaders(f *testing.F) {
	f.Add("k", "v", "k2", "v2")
	f.Add("\x00", "\x00\x02", "", "\xff")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		hs := []event.Header{{Key: k1, Value: v1}, {Key: k2, Value: v2}}
		blob := encodeHeaders(hs)
		got, err := decodeHeaders(blob)
		if err != nil || !cmp.Equal(hs, got) {
			t.Fatalf("round trip of %q: %q, %v", hs, got, err)
		}
		probe := event.Header{Key: k1 + k2, Value: v2}
		want := probe == hs[0] || probe == hs[1]
		if found := bytes.Contains(blob, headerNeedle(probe.Key, probe.Value, false)); found != want {
			t.Fatalf("needle %q in %q: found %v, want %v", probe, hs, found, want)
		}
	})
}

func TestListRoundTrip(t *testing.T) {
	for _, l := range [][]string{{}, {"a"}, {"", "x\x00y", strings.Repeat("z", 300)}} {
		got, err := decodeList(encodeList(l))
		if err != nil || !cmp.Equal(l, got) {
			t.Errorf("list %q: got %q, %v", l, got, err)
		}
	}
}

func TestNanos(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
	for _, tm := range []time.Time{{}, at, time.Unix(0, 0), time.Unix(0, -1)} {
		if got := fromNanos(nanos(tm)); !got.Equal(tm) || !tm.IsZero() && got.Location() != time.UTC {
			t.Errorf("time %v came back as %v", tm, got)
		}
	}
	if n := nanos(time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)); n != math.MinInt64+1 {
		t.Errorf("year 1 stored as %d, want clamped", n)
	}
}

func TestSuccessor(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{{"a", "b", true}, {"a\xff", "b", true}, {"\xff\xff", "", false}, {"ab", "ac", true}}
	for _, tt := range tests {
		if got, ok := successor(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("successor(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestListNeedleIsExact(t *testing.T) {
	blob := encodeList([]string{"Order\x00\x02Placed", "PaymentFailed", "x"})
	tests := []struct {
		v      string
		prefix bool
		want   bool
	}{
		{"PaymentFailed", false, true},
		{"Payment", false, false},
		{"Payment", true, true},
		{"aymentFailed", false, false},
		{"Placed", false, false}, // delimiters inside an item are escaped
		{"Order\x00\x02Placed", false, true},
		{"x", false, true},
		{"", true, true},
	}
	for _, tt := range tests {
		if got := bytes.Contains(blob, listNeedle(tt.v, tt.prefix)); got != tt.want {
			t.Errorf("item %q prefix=%v: found %v, want %v", tt.v, tt.prefix, got, tt.want)
		}
	}
}
