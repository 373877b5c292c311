package clickhouse

import (
	"slices"
	"testing"
)

// The background pass leaves the flows of a write in flight pending; a
// settle takes them; the write's end makes them pending again.
func TestPendingSkipsFlowsInFlight(t *testing.T) {
	var p pending
	p.touch([]string{"a", "b"})
	p.begin([]string{"b", "c"})
	p.begin([]string{"c"})
	if got := p.take(true); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("background take = %v, want [a]", got)
	}
	if got := p.take(true); len(got) != 0 {
		t.Fatalf("second background take = %v, want none (b in flight)", got)
	}
	p.end([]string{"b", "c"})
	got := p.take(true) // c is still in flight by the second write
	if !slices.Equal(got, []string{"b"}) {
		t.Fatalf("take after the first write = %v, want [b]", got)
	}
	p.end([]string{"c"})
	if got := p.take(true); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("take after the second write = %v, want [c]", got)
	}
	p.begin([]string{"d"})
	p.touch([]string{"d"})
	if got := p.take(false); !slices.Equal(got, []string{"d"}) {
		t.Fatalf("settle's take = %v, want [d] (in flight, taken anyway)", got)
	}
	if len(p.inflight) != 1 {
		t.Fatalf("in flight = %v, want d alone", p.inflight)
	}
}
