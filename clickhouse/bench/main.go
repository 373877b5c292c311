// Command bench measures the ClickHouse store at production volume, in
// one run on one machine: it loads N synthetic events shaped like
// production (random UUIDs, flows of 20 events interleaved with 500 others
// over 24 hours, 300-byte JSON payloads, the demo's anomaly mix) through
// the store's Write (events and read models), interleaved batch by batch
// with a raw clickhouse-go insert of the same columns into a plain
// MergeTree; then it starts the real HTTP server (`tracer serve`) on
// 127.0.0.1 against the loaded database and measures every page and API
// through HTTP, sequentially and with 8 concurrent clients, and prints one
// table.
//
//	scripts/bench-clickhouse -events 10000000
//
// (the script builds the tracer and starts nothing else: the ClickHouse
// server and a Kafka broker, which serve needs but reads nothing from,
// come from scripts/clickhouse and scripts/kafka). It works in a database
// of its own (default eventscope_bench), dropped first and, unless -keep,
// at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/eventscope/eventscope/event"
)

func main() {
	dsn := flag.String("dsn", os.Getenv("EVENTSCOPE_TEST_CLICKHOUSE"), "server DSN (any database; default $EVENTSCOPE_TEST_CLICKHOUSE)")
	db := flag.String("db", "eventscope_bench", "database to create, fill and drop")
	events := flag.Int("events", 1_000_000, "events to load")
	batch := flag.Int("batch", 50_000, "events per batch")
	flowSize := flag.Int("flow-size", 20, "events per flow")
	payload := flag.Int("payload", 300, "payload bytes")
	requests := flag.Int("requests", 500, "requests per page that looks up random known IDs, sequentially and again concurrently")
	pageRequests := flag.Int("page-requests", 100, "requests per store-wide page (dashboard, searches, service map)")
	clients := flag.Int("clients", 8, "concurrent clients")
	tracer := flag.String("tracer", "", "tracer binary to serve HTTP (scripts/bench-clickhouse builds one); none: load only")
	brokers := flag.String("brokers", os.Getenv("EVENTSCOPE_TEST_KAFKA"), "Kafka broker the tracer connects to (it reads no topic)")
	skipRaw := flag.Bool("skip-raw", false, "skip the raw insert baseline")
	keep := flag.Bool("keep", false, "keep the database at the end")
	readsOnly := flag.Bool("reads-only", false, "measure reads on the database a -keep run left (same -events, -flow-size)")
	loadFor := flag.Duration("load-for", 0, "stop loading after the first batch that ends past this long (0: load every event); the output says how many were loaded: pass that number as -events to a later -reads-only run")
	settle := flag.Duration("settle", 2*time.Minute, "wait up to this long for background merges before measuring reads")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the load (raw inserts and Write) to this file")
	flag.Parse()
	if *dsn == "" {
		log.Fatal("no DSN: pass -dsn or set EVENTSCOPE_TEST_CLICKHOUSE (scripts/clickhouse start prints one)")
	}
	ctx := context.Background()
	b, err := newBench(*dsn, *db)
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now().Add(-24 * time.Hour)
	g := newGen(*events, *flowSize, *payload, start, 24*time.Hour)
	fmt.Printf("bench: %d events (%d-event flows, %d interleaved, %d-byte payloads, 8 topics x %d partitions, %.0f%% of flows per anomaly kind), batches of %d, %s\n",
		*events, *flowSize, activeFlows, *payload, partitions, faultRate*100, *batch, loadavg())
	if *readsOnly {
		if err := g.batches(*batch, func([]event.Event) error { return nil }); err != nil { // the same IDs
			log.Fatal(err)
		}
	} else {
		if err := b.reset(ctx); err != nil {
			log.Fatal(err)
		}
		t0 := time.Now()
		if *loadFor > 0 {
			g.until = t0.Add(*loadFor)
		}
		stop, err := startProfile(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		rawRate, rate, err := b.load(ctx, g, *batch, *skipRaw)
		stop()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("loaded %d events of %d flows in %s\n", g.made, g.nflows, time.Since(t0).Round(time.Second))
		if rawRate > 0 {
			fmt.Printf("raw insert (plain MergeTree, clickhouse-go batches): %.0f events/s\n", rawRate)
		}
		fmt.Printf("store Write (events + read models):                   %.0f events/s", rate)
		if rawRate > 0 {
			fmt.Printf("  (ratio %.2f)", rate/rawRate)
		}
		fmt.Printf("\nload after writing: %s; on disk: %s\n", loadavg(), b.diskSize(ctx))
	}
	waited, left := b.settle(ctx, *settle)
	fmt.Printf("waited %s for background merges (%d still running); events table in %s; %s\n",
		waited.Round(time.Second), left, b.parts(ctx), loadavg())
	if *tracer != "" {
		if *brokers == "" {
			log.Fatal("no Kafka broker for the tracer: pass -brokers or set EVENTSCOPE_TEST_KAFKA (scripts/kafka start)")
		}
		srv, err := startServer(ctx, *tracer, storeDSN(b.dsn), *brokers)
		if err != nil {
			log.Fatal(err)
		}
		httpReads(srv.base, &g.known, *requests, *pageRequests, *clients)
		srv.stop()
		fmt.Printf("%s\n", loadavg())
	}
	if !*keep {
		if err := b.admin.Exec(ctx, "DROP DATABASE IF EXISTS `"+b.db+"`"); err != nil {
			log.Fatal(err)
		}
	}
}

// storeDSN is the bench database's DSN as tracer serve's --store takes it.
func storeDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	return u.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// startProfile starts a CPU profile into path (none when empty); the
// function it returns stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return "loadavg " + strings.Join(strings.Fields(string(b))[:3], " ")
}
