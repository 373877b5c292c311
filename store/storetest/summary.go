package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func runSummary(t *testing.T, o Opener) {
	t.Run("MatchesReference", func(t *testing.T) { runSummaryReference(t, o) })
	t.Run("Fields", func(t *testing.T) {
		g := NewGen(Base)
		evs := g.Chain("orders", "c1", 4, 0, time.Second)
		evs[0].Source, evs[0].Type = "orders", "OrderPlaced"
		evs[1].Source, evs[1].Type = "kitchen", "PizzaBaked"
		evs[2].Source, evs[2].Type = "", "" // empty values are not listed
		evs[3].Source, evs[3].Type = "kitchen", "OrderPlaced"
		s := o.with(t, Reversed(evs))
		got := summaryOf(t, s, "c1")
		want := store.FlowSummary{
			CorrelationID: "c1", FirstTime: evs[0].Time, LastTime: evs[3].Time, EventCount: 4,
			Services: []string{"kitchen", "orders"}, Types: []string{"OrderPlaced", "PizzaBaked"},
			Anomalies: []string{}, Status: "ok",
		}
		checkSummary(t, want, got)
	})
	t.Run("UpdatedByLaterBatches", func(t *testing.T) {
		g := NewGen(Base)
		mid := g.Event("t", "c1", "mid", "", 10*time.Second)
		s := o.with(t, []event.Event{mid})
		late := g.Event("t", "c1", "late", "mid", 20*time.Second)
		late.Source, late.Type = "zeta", "Late"
		early := g.Event("t", "c1", "early", "", time.Second)
		early.Source, early.Type = "alpha", "Early"
		for _, b := range [][]event.Event{{late}, {early}, {mid, late}} {
			if err := s.Write(ctx(t), b); err != nil {
				t.Fatal(err)
			}
		}
		want := store.FlowSummary{
			CorrelationID: "c1", FirstTime: early.Time, LastTime: late.Time, EventCount: 3,
			Services: []string{"alpha", "test", "zeta"}, Types: []string{"Early", "Late", "Test"},
			Anomalies: []string{}, Status: "ok",
		}
		checkSummary(t, want, summaryOf(t, s, "c1"))
	})
	t.Run("NewestLastEventFirst", func(t *testing.T) {
		g := NewGen(Base)
		var evs []event.Event
		// Flow f<i> ends at i seconds, but starts in reverse order.
		for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(8) {
			id := fmt.Sprintf("f%d", i)
			evs = append(evs, g.Event("t", id, id+"-a", "", time.Duration(-i)*time.Second),
				g.Event("t", id, id+"-b", "", time.Duration(i)*time.Second))
		}
		s := o.with(t, evs[:7], evs[7:])
		got := flowIDs(mustFlows(t, s, store.FlowQuery{}))
		want := []string{"f7", "f6", "f5", "f4", "f3", "f2", "f1", "f0"}
		if !slices.Equal(got, want) {
			t.Errorf("Flows order = %v, want %v", got, want)
		}
	})
	t.Run("TimeWindow", func(t *testing.T) {
		g := NewGen(Base)
		s := o.with(t, []event.Event{
			g.Event("t", "early", "e1", "", 0), g.Event("t", "early", "e2", "", 4*time.Second),
			g.Event("t", "inside", "i1", "", 10*time.Second),
			g.Event("t", "gap", "g1", "", 0), g.Event("t", "gap", "g2", "", 20*time.Second), // none in the window
			g.Event("t", "atfrom", "f1", "", 5*time.Second),
			g.Event("t", "atto", "t1", "", 15*time.Second), // To is exclusive
			g.Event("t", "late", "l1", "", 30*time.Second),
		})
		at := func(sec int) time.Time { return Base.Add(time.Duration(sec) * time.Second) }
		tests := []struct {
			name     string
			from, to time.Time
			want     []string
		}{
			{"both", at(5), at(15), []string{"inside", "atfrom"}},
			{"from only", at(15), time.Time{}, []string{"late", "gap", "atto"}},
			{"to only", time.Time{}, at(5), []string{"gap", "early"}},
			{"unbounded", time.Time{}, time.Time{}, []string{"late", "gap", "atto", "inside", "atfrom", "early"}},
			{"empty", at(31), at(40), []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := flowIDs(mustFlows(t, s, store.FlowQuery{From: tt.from, To: tt.to}))
				if !slices.Equal(got, tt.want) {
					t.Errorf("Flows(from %v, to %v) = %v, want %v", tt.from, tt.to, got, tt.want)
				}
			})
		}
	})
}

func checkSummary(t *testing.T, want, got store.FlowSummary) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("summary differs (-want +got):\n%s", d)
	}
	if got.FirstTime.Location() != time.UTC || got.LastTime.Location() != time.UTC {
		t.Errorf("summary times not in UTC: %v, %v", got.FirstTime.Location(), got.LastTime.Location())
	}
	if got.Services == nil || got.Types == nil || got.Anomalies == nil {
		t.Errorf("summary has nil lists (want empty, non-nil): %#v", got)
	}
}
