package clickhouse

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// TestStepCacheVerdictsMatchReadBack writes random flows in random
// batches (with retried copies), moves records between flows (Rewrite)
// and writes part of some flows through another store (another process):
// the flows the step cache holds whole must sum up to the verdicts their
// records read back give, and the others must be read back.
func TestStepCacheVerdictsMatchReadBack(t *testing.T) {
	s, dsn := openMigrated(t, Options{})
	defer s.Close()
	other, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rnd := rand.New(rand.NewPCG(12, 7))
	flows := randomFlows(rnd, 60)
	ids := make([]string, 0, len(flows))
	var all []event.Event
	for flow, evs := range flows {
		ids = append(ids, flow)
		all = append(all, evs...)
	}
	sort.Strings(ids)
	// f00-f04's first record comes from the other store: not whole here.
	for _, flow := range ids[:5] {
		if err := other.Write(t.Context(), flows[flow][:1]); err != nil {
			t.Fatal(err)
		}
		all = slices.DeleteFunc(all, func(e event.Event) bool { return e.Coordinates() == flows[flow][0].Coordinates() })
	}
	writeShuffled(t, s, rnd, all, 40)
	// f10's first record moves to f11; f12's first record is rewritten in place.
	moved, same := flows[ids[10]][0], flows[ids[12]][0]
	mv, rw := moved, same
	mv.CorrelationID, mv.IngestedAt = ids[11], time.Now().UTC()
	rw.Type, rw.IngestedAt = "OrderFailed", time.Now().UTC()
	if err := s.Rewrite(t.Context(), []store.Rewrite{{Old: moved, New: mv}, {Old: same, New: rw}}); err != nil {
		t.Fatal(err)
	}

	cfg, ver := s.diag.Current()
	cached := s.steps.steps(ver, ids)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	read, err := readSteps(t.Context(), s.conn, args, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := s.verdictsFromCache(t.Context(), ids, cfg, ver)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(rest)
	// f10 counts its moved record in flow_summary still.
	want := append(slices.Clone(ids[:5]), ids[10])
	if !slices.Equal(rest, want) {
		t.Errorf("flows read back = %v, want %v", rest, want)
	}
	for _, id := range ids {
		if slices.Contains(rest, id) {
			continue
		}
		got, exp := verdictOf(id, cached[id], cfg), verdictOf(id, read[id], cfg)
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("flow %s: verdict from the cache %+v, read back %+v", id, got, exp)
		}
	}
	if got := verdictOf(ids[12], cached[ids[12]], cfg); got.sum.Base != "failed" {
		t.Errorf("flow %s after its rewrite: %+v, want failed", ids[12], got.sum)
	}
	// The verdicts stored from the cache are current and equal.
	var sums []store.FlowSummary
	for _, id := range ids {
		sums = append(sums, store.FlowSummary{CorrelationID: id})
	}
	stored, err := s.currentVerdicts(t.Context(), sums)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		got, ok := stored[i]
		if slices.Contains(rest, id) {
			continue
		}
		exp := verdictOf(id, read[id], cfg).sum
		if !ok || !slices.Equal(got.KindList(time.Time{}), exp.KindList(time.Time{})) || got.Base != exp.Base ||
			got.Reason != exp.Reason || got.FailedType != exp.FailedType || !got.StallAt.Equal(exp.StallAt) {
			t.Errorf("flow %s: stored verdict %+v (%v), want %+v", id, got, ok, exp)
		}
	}
}
