package clickhouse

import (
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// TestBackfillRebuildsReadModels empties the read models of a store that
// holds events, as a database migrated from an older version would be,
// runs the backfill (twice: it is idempotent) and expects the same
// summaries, searches, stats and topic rates as Write built.
func TestBackfillRebuildsReadModels(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	rnd := rand.New(rand.NewPCG(7, 8))
	var all []event.Event
	for _, evs := range randomFlows(rnd, 30) {
		all = append(all, evs...)
	}
	late := storetest.MakeEvent("t", 0, 999, "z", "f00", "a", storetest.Base.Add(-49*time.Hour)) // another day
	all = append(all, late)
	for len(all) > 0 {
		n := min(len(all), 1+rnd.IntN(20))
		if err := s.Write(t.Context(), all[:n]); err != nil {
			t.Fatal(err)
		}
		all = all[n:]
	}
	type snapshot struct {
		All, Orphans []store.FlowSummary
		Stats        store.Stats
		Rates        []store.TopicSeries
	}
	snap := func() snapshot {
		var sn snapshot
		p, err := s.Flows(t.Context(), store.FlowQuery{Limit: store.MaxLimit, To: storetest.Base.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		sn.All = p.Flows
		if p, err = s.Flows(t.Context(), store.FlowQuery{Limit: store.MaxLimit,
			Terms: []store.Term{{Field: store.FieldAnomaly, Value: store.AnomalyOrphan}}}); err != nil {
			t.Fatal(err)
		}
		sn.Orphans = p.Flows
		if sn.Stats, err = s.Stats(t.Context()); err != nil {
			t.Fatal(err)
		}
		if sn.Rates, err = s.TopicRates(t.Context(), storetest.Base.Add(-time.Minute), storetest.Base.Add(time.Minute), 10*time.Second); err != nil {
			t.Fatal(err)
		}
		return sn
	}
	want := snap()
	if len(want.All) != 30 || len(want.Orphans) == 0 {
		t.Fatalf("fixture: %d flows, %d orphans", len(want.All), len(want.Orphans))
	}
	for _, table := range []string{"flow_summary", "topic_buckets", "type_minutes", "value_minutes", "backfill_done"} {
		if err := s.conn.Exec(t.Context(), "TRUNCATE TABLE "+table); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := s.Flows(t.Context(), store.FlowQuery{To: storetest.Base.Add(time.Hour)}); err != nil || len(p.Flows) != 0 {
		t.Fatalf("after truncating: %d flows, %v", len(p.Flows), err)
	}
	for range 2 {
		if err := s.conn.Exec(t.Context(), "TRUNCATE TABLE backfill_done"); err != nil {
			t.Fatal(err)
		}
		if err := backfillReadModels(t.Context(), s.conn, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, snap()); d != "" {
			t.Errorf("after backfill (-want +got):\n%s", d)
		}
	}
}
