// Command bench loads synthetic events into ClickHouse and measures, in one
// run on one machine: the raw clickhouse-go batch insert rate of the rows
// into a plain MergeTree table, the rate of the clickhouse store's Write
// (same rows, same batches), and the latency of the store's reads (flow by
// correlation ID, events by ID, the recent-flows page, a search, stats).
//
//	scripts/clickhouse start && export "$(scripts/clickhouse env)"
//	go run ./clickhouse/bench -events 10000000
//
// It works in a database of its own (default eventscope_bench), dropped
// first and, unless -keep, at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/store"
)

func main() {
	dsn := flag.String("dsn", os.Getenv("EVENTSCOPE_TEST_CLICKHOUSE"), "server DSN (any database; default $EVENTSCOPE_TEST_CLICKHOUSE)")
	db := flag.String("db", "eventscope_bench", "database to create, fill and drop")
	events := flag.Int("events", 1_000_000, "events to load")
	batch := flag.Int("batch", 50_000, "events per batch")
	flowSize := flag.Int("flow-size", 20, "events per flow")
	payload := flag.Int("payload", 300, "payload bytes")
	queries := flag.Int("queries", 300, "samples per read measurement")
	skipRaw := flag.Bool("skip-raw", false, "skip the raw insert baseline")
	keep := flag.Bool("keep", false, "keep the database at the end")
	readsOnly := flag.Bool("reads-only", false, "measure reads on the database a -keep run left (same -events, -flow-size)")
	settle := flag.Duration("settle", 2*time.Minute, "wait up to this long for background merges before measuring reads")
	flag.Parse()
	if *dsn == "" {
		log.Fatal("no DSN: pass -dsn or set EVENTSCOPE_TEST_CLICKHOUSE (scripts/clickhouse start prints one)")
	}
	ctx := context.Background()
	b, err := newBench(*dsn, *db)
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now().Add(-24 * time.Hour).Truncate(time.Hour)
	mkGen := func() *gen { return newGen(*events, *flowSize, *payload, start, 20*time.Hour) }
	fmt.Printf("bench: %d events (%d flows of %d, %d-byte payloads, %d topics), batches of %d, load %s\n",
		*events, mkGen().flows, *flowSize, *payload, len(topics), *batch, loadavg())
	var s *clickhouse.Store
	if *readsOnly {
		if s, err = clickhouse.Open(ctx, b.dsn, clickhouse.Options{}); err != nil {
			log.Fatal(err)
		}
	} else {
		if err := b.reset(ctx); err != nil {
			log.Fatal(err)
		}
		var rawRate, rate float64
		s, rawRate, rate, err = b.load(ctx, mkGen(), *batch, *skipRaw)
		if err != nil {
			log.Fatal(err)
		}
		if rawRate > 0 {
			fmt.Printf("raw insert (plain MergeTree, clickhouse-go batches): %.0f events/s\n", rawRate)
		}
		fmt.Printf("store Write:                                          %.0f events/s", rate)
		if rawRate > 0 {
			fmt.Printf("  (ratio %.2f, target >= 0.8)", rate/rawRate)
		}
		fmt.Printf("\nload after writing: %s; on disk: %s\n", loadavg(), b.diskSize(ctx))
	}
	defer s.Close()
	waited, left := b.settle(ctx, *settle)
	fmt.Printf("waited %s for background merges (%d still running); events table in %s; %s\n",
		waited.Round(time.Second), left, b.parts(ctx), loadavg())
	reads(ctx, s, mkGen(), *queries)
	if !*keep {
		if err := b.admin.Exec(ctx, "DROP DATABASE IF EXISTS `"+b.db+"`"); err != nil {
			log.Fatal(err)
		}
	}
}

func reads(ctx context.Context, s *clickhouse.Store, g *gen, n int) {
	rnd := rand.New(rand.NewPCG(1, 2))
	measure("Flow(correlation ID)", "p99 < 50 ms", n, func() error {
		evs, err := s.Flow(ctx, g.correlationID(rnd.IntN(g.flows)))
		if err == nil && len(evs) != g.flowSize {
			err = fmt.Errorf("flow has %d events, want %d", len(evs), g.flowSize)
		}
		return err
	})
	measure("EventsByID", "p99 < 20 ms", n, func() error {
		_, err := s.EventsByID(ctx, g.eventID(rnd.IntN(g.flows), rnd.IntN(g.flowSize)))
		return err
	})
	measure("Resolve(event ID)", "", n, func() error {
		_, err := s.Resolve(ctx, g.eventID(rnd.IntN(g.flows), rnd.IntN(g.flowSize)))
		return err
	})
	measure("Flows: recent page (50)", "p99 < 100 ms", n, func() error {
		p, err := s.Flows(ctx, store.FlowQuery{})
		if err == nil && len(p.Flows) != store.DefaultLimit {
			err = fmt.Errorf("page has %d flows", len(p.Flows))
		}
		return err
	})
	var cursor string
	measure("Flows: next pages (cursor walk)", "", n, func() error {
		p, err := s.Flows(ctx, store.FlowQuery{Cursor: cursor})
		cursor = p.NextCursor
		return err
	})
	measure("Flows: id:<event ID> search", "", max(n/10, 5), func() error {
		_, err := s.Flows(ctx, store.FlowQuery{Terms: []store.Term{{Field: store.FieldID, Value: g.eventID(rnd.IntN(g.flows), 3)}}})
		return err
	})
	// Every flow has these types, sources and topics: the newest 50 flows
	// are wanted, not a few rare ones.
	for _, tc := range []struct {
		name string
		term store.Term
	}{
		{"type:X", store.Term{Field: store.FieldType, Value: "PaymentsStep1"}},
		{"type:X*", store.Term{Field: store.FieldType, Value: "PaymentsStep", Prefix: true}},
		{"source:X", store.Term{Field: store.FieldSource, Value: "kitchen-service"}},
		{"topic:X", store.Term{Field: store.FieldTopic, Value: "delivery"}},
	} {
		measure("Flows: "+tc.name+" search", "p99 < 300 ms", max(n/10, 20), func() error {
			p, err := s.Flows(ctx, store.FlowQuery{Terms: []store.Term{tc.term}})
			if err == nil && len(p.Flows) != store.DefaultLimit {
				err = fmt.Errorf("page has %d flows", len(p.Flows))
			}
			return err
		})
	}
	// A value no flow has: the windows find nothing, then every flow is
	// searched (what every type: search cost before windows).
	measure("Flows: type:<absent> search", "", 5, func() error {
		p, err := s.Flows(ctx, store.FlowQuery{Terms: []store.Term{{Field: store.FieldType, Value: "NoSuchType"}}})
		if err == nil && len(p.Flows) != 0 {
			err = fmt.Errorf("page has %d flows", len(p.Flows))
		}
		return err
	})
	for _, k := range []string{store.AnomalyOrphan, store.AnomalyOutOfOrder, store.AnomalyDuplicate} {
		measure("Flows: anomaly:"+k+" (scan)", "", 3, func() error {
			_, err := s.Flows(ctx, store.FlowQuery{Terms: []store.Term{{Field: store.FieldAnomaly, Value: k}}})
			return err
		})
	}
	measure("Flows: anomaly:orphan after:-1h", "", 3, func() error {
		_, err := s.Flows(ctx, store.FlowQuery{From: g.start.Add(g.span - time.Hour),
			Terms: []store.Term{{Field: store.FieldAnomaly, Value: store.AnomalyOrphan}}})
		return err
	})
	measure("Stats", "", 3, func() error {
		_, err := s.Stats(ctx)
		return err
	})
}

// measure runs fn n times and prints p50, p99 and max.
func measure(name, target string, n int, fn func() error) {
	ds := make([]time.Duration, n)
	for i := range ds {
		t := time.Now()
		if err := fn(); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		ds[i] = time.Since(t)
	}
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(float64(len(ds))*p))] }
	fmt.Printf("%-34s n=%-4d p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms  %s\n", name, n,
		ms(pct(0.50)), ms(pct(0.99)), ms(ds[len(ds)-1]), target)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return "loadavg " + strings.Join(strings.Fields(string(b))[:3], " ")
}
