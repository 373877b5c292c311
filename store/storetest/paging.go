package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// oneEventFlows returns n one-event flows "p0000".. ending at Base+i*step.
func oneEventFlows(g *Gen, prefix string, n int, step time.Duration) []event.Event {
	evs := make([]event.Event, n)
	for i := range n {
		id := fmt.Sprintf("%s%04d", prefix, i)
		evs[i] = g.Event("t", id, id, "", time.Duration(i)*step)
	}
	return evs
}

func runPaging(t *testing.T, o Opener) {
	t.Run("Limit", func(t *testing.T) {
		s := o.with(t, oneEventFlows(NewGen(Base), "p", store.MaxLimit+1, time.Millisecond))
		tests := []struct{ limit, want int }{
			{0, store.DefaultLimit}, {-1, store.DefaultLimit}, {1, 1}, {7, 7},
			{store.MaxLimit, store.MaxLimit}, {store.MaxLimit + 500, store.MaxLimit},
		}
		for _, tt := range tests {
			p := mustFlows(t, s, store.FlowQuery{Limit: tt.limit})
			if len(p.Flows) != tt.want || p.NextCursor == "" {
				t.Errorf("Limit %d: %d flows, next cursor %q; want %d and a cursor", tt.limit, len(p.Flows), p.NextCursor, tt.want)
			}
		}
	})
	// Flows with equal last times (ties) must still page without gaps or
	// repeats, whatever the page size; the last page has no cursor.
	g := NewGen(Base)
	evs := oneEventFlows(g, "p", 23, time.Second)
	for i := range evs {
		if i%3 == 0 { // groups of equal last times
			evs[i].Time = Base
		}
	}
	all := make([]string, len(evs))
	for i := range evs {
		all[i] = evs[i].CorrelationID
	}
	s := o.with(t, evs)
	for _, limit := range []int{1, 5, 22, 23, 24} {
		t.Run(fmt.Sprintf("WalkPagesOf%d", limit), func(t *testing.T) {
			got := walk(t, s, store.FlowQuery{Limit: limit}, nil)
			checkWalk(t, got, all)
		})
	}
	t.Run("ExactMultipleHasNoEmptyLastPage", func(t *testing.T) {
		s := o.with(t, oneEventFlows(NewGen(Base), "p", 10, time.Second))
		p1 := mustFlows(t, s, store.FlowQuery{Limit: 5})
		p2 := mustFlows(t, s, store.FlowQuery{Limit: 5, Cursor: p1.NextCursor})
		if len(p2.Flows) != 5 || p2.NextCursor != "" {
			t.Errorf("second page: %d flows, cursor %q; want 5 and no cursor", len(p2.Flows), p2.NextCursor)
		}
	})
	t.Run("StableUnderWrites", func(t *testing.T) {
		g := NewGen(Base)
		s := o.with(t, oneEventFlows(g, "old", 30, time.Second))
		want := make([]string, 30)
		for i := range want {
			want[i] = fmt.Sprintf("old%04d", 29-i)
		}
		// New flows, newer and older than every listed one, arrive
		// between page reads; the walk still lists the old flows once.
		n := 0
		got := walk(t, s, store.FlowQuery{Limit: 4}, func() {
			n++
			newer := g.Event("t", fmt.Sprintf("new%d", n), fmt.Sprintf("new%d", n), "", time.Hour)
			older := g.Event("t", fmt.Sprintf("older%d", n), fmt.Sprintf("older%d", n), "", -time.Hour)
			if err := s.Write(ctx(t), []event.Event{newer, older}); err != nil {
				t.Fatal(err)
			}
		})
		var old []string
		for _, f := range got {
			if strings.HasPrefix(f.CorrelationID, "old0") {
				old = append(old, f.CorrelationID)
			}
		}
		if !slices.Equal(old, want) {
			t.Errorf("old flows seen while writing = %v, want %v", old, want)
		}
	})
	t.Run("BadCursor", func(t *testing.T) {
		for _, c := range []string{"!!!", "not a cursor", "%00", "AAAA"} {
			_, err := s.Flows(ctx(t), store.FlowQuery{Cursor: c})
			if !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("Flows(cursor %q): err = %v, want store.ErrBadCursor", c, err)
			}
		}
	})
}

// walk lists every page of q, calling between (if set) after each page.
func walk(t *testing.T, s store.Store, q store.FlowQuery, between func()) []store.FlowSummary {
	t.Helper()
	var out []store.FlowSummary
	for range 1000 {
		p := mustFlows(t, s, q)
		out = append(out, p.Flows...)
		if p.NextCursor == "" {
			return out
		}
		if len(p.Flows) == 0 {
			t.Fatalf("empty page with a cursor %q", p.NextCursor)
		}
		if between != nil {
			between()
		}
		q.Cursor = p.NextCursor
	}
	t.Fatal("more than 1000 pages")
	return nil
}

// checkWalk checks that pages listed every flow of want exactly once,
// newest last event first.
func checkWalk(t *testing.T, got []store.FlowSummary, want []string) {
	t.Helper()
	seen := map[string]int{}
	for i, f := range got {
		seen[f.CorrelationID]++
		if i > 0 && f.LastTime.After(got[i-1].LastTime) {
			t.Errorf("flow %d (%s) is newer than the one before it", i, f.CorrelationID)
		}
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("flow %s listed %d times, want once", id, seen[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("listed %d flows, want %d", len(got), len(want))
	}
}
