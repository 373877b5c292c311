package clickhouse

import (
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/diagnose"
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

// TestUpgradeBackfillsReadModels fills a database at schema version 6
// (events and the lookup tables only, as the last release left it), runs
// the remaining migrations as `tracer migrate` does and expects the
// summaries, anomaly searches and stats of a database written with the
// read models in place.
func TestUpgradeBackfillsReadModels(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	var evs []event.Event
	for _, fe := range randomFlows(rnd, 25) {
		evs = append(evs, fe...)
	}
	want, _ := openMigrated(t, Options{})
	defer want.Close()
	if err := want.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}

	dsn, conn := emptyDatabase(t)
	quiet := slog.New(slog.DiscardHandler)
	if err := applyMigrationsTo(t.Context(), conn, quiet, 6); err != nil {
		t.Fatal(err)
	}
	if err := (&Store{conn: conn}).writeEvents(t.Context(), evs, make([]diagnose.Class, len(evs))); err != nil {
		t.Fatal(err)
	}
	if err := applyMigrations(t.Context(), conn, quiet); err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	got, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	for _, q := range []store.FlowQuery{
		{Limit: store.MaxLimit},
		{Limit: store.MaxLimit, Terms: []store.Term{{Field: store.FieldAnomaly, Prefix: true}}},
		{Limit: store.MaxLimit, Terms: []store.Term{{Field: store.FieldAnomaly, Value: store.AnomalyOutOfOrder}}},
		{Limit: store.MaxLimit, Terms: []store.Term{{Field: store.FieldType, Value: "Test"}}},
	} {
		w, err := want.Flows(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		g, err := got.Flows(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Flows) == 0 {
			t.Errorf("%+v: no flow in the fixture", q.Terms)
		}
		if d := cmp.Diff(w.Flows, g.Flows); d != "" {
			t.Errorf("%+v after the upgrade (-written +backfilled):\n%s", q.Terms, d)
		}
	}
	ws, _ := want.Stats(t.Context())
	gs, err := got.Stats(t.Context())
	if err != nil || !cmp.Equal(ws, gs) {
		t.Errorf("Stats after the upgrade = %+v, %v; want %+v", gs, err, ws)
	}
}
