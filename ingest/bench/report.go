package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/event"
)

// sweepCH inserts the first records with each raw batch size tried and
// returns the fastest size: the baseline is the driver at its best.
func sweepCH(ctx context.Context, o options, db string, evs []event.Event) (int, error) {
	sizes, err := parseInts(o.chBatches)
	if err != nil {
		return 0, err
	}
	if len(sizes) == 1 {
		return sizes[0], nil
	}
	sample := evs[:min(len(evs), 400_000)]
	best, bestRate := 0, 0.0
	for _, size := range sizes {
		r, err := rawClickHouse(ctx, o.chDSN, db, sample, size)
		if err != nil {
			return 0, fmt.Errorf("raw clickhouse sweep: %w", err)
		}
		fmt.Printf("  raw clickhouse-go, batches of %d: %.0f records/s over %d\n", size, r.rate(), len(sample))
		if r.rate() > bestRate {
			best, bestRate = size, r.rate()
		}
	}
	return best, nil
}

func dropCH(ctx context.Context, dsn, db string) {
	if dsn == "" {
		return
	}
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return
	}
	defer conn.Close()
	// Best effort, for the disk space: a server still merging may take
	// minutes to drop (the names are the run's own, so nothing collides).
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
		fmt.Printf("    drop database %s: %v\n", db, err)
	}
}

func printRun(name string, r result) {
	fmt.Printf("  %-44s %8.0f records/s  (start to end %6.1f s)  %6.2f cpu-µs/record", name, r.rate(),
		r.wall.Seconds(), float64(r.cpu.Microseconds())/float64(r.n))
	if r.rssMiB > 0 {
		fmt.Printf("  peak RSS %4.0f MiB", r.rssMiB)
	}
	if len(r.fresh) > 0 {
		fmt.Printf("  freshness p50 %s p99 %s max %s (n=%d)", ms(pct(r.fresh, 0.5)), ms(pct(r.fresh, 0.99)),
			ms(r.fresh[len(r.fresh)-1]), len(r.fresh))
	}
	fmt.Println()
}

// summary prints, per measurement, the range over the rounds, and each
// product run's ratio to the raw insert of its own round.
func summary(all map[string][]result, stores []string, chBatch int, o options) {
	fmt.Printf("\nsummary over %d rounds (%s):\n", o.rounds, loadavg())
	fmt.Println("| what | records/s | ratio | cpu-µs/record | peak RSS | freshness p99 |")
	fmt.Println("|---|---|---|---|---|---|")
	line := func(name string, base []result) {
		rs := all[name]
		if len(rs) == 0 {
			return
		}
		ratio, rss, fresh := "", "", ""
		if base != nil {
			var q []float64
			for i := range min(len(rs), len(base)) {
				q = append(q, rs[i].rate()/base[i].rate())
			}
			ratio = span(q, "%.2f")
		}
		var rates, cpus, rs2, fr []float64
		for _, r := range rs {
			rates = append(rates, r.rate()/1000)
			cpus = append(cpus, float64(r.cpu.Microseconds())/float64(r.n))
			if r.rssMiB > 0 {
				rs2 = append(rs2, r.rssMiB)
			}
			if len(r.fresh) > 0 {
				fr = append(fr, float64(pct(r.fresh, 0.99).Microseconds())/1000)
			}
		}
		if len(rs2) > 0 {
			rss = span(rs2, "%.0f") + " MiB"
		}
		if len(fr) > 0 {
			fresh = span(fr, "%.0f") + " ms"
		}
		fmt.Printf("| %s | %sk | %s | %s | %s | %s |\n", name, span(rates, "%.1f"), ratio, span(cpus, "%.1f"), rss, fresh)
	}
	line("raw sarama group read", nil)
	for _, s := range stores {
		switch s {
		case "sqlite":
			raw := fmt.Sprintf("raw sqlite insert (batches of %d)", o.sqliteBatch)
			line(raw, nil)
			line("tracer serve -> sqlite", all[raw])
		case "clickhouse":
			raw := fmt.Sprintf("raw clickhouse-go insert (batches of %d)", chBatch)
			line(raw, nil)
			line("tracer serve -> clickhouse", all[raw])
		}
	}
	fmt.Println("\nratio: the product's rate over the raw insert of the same round; raw and product rates are the" +
		" last 90% of the records for consumers (after the group join), all of them for inserts; product CPU and" +
		" RSS are the tracer process's (the database server's CPU is not counted); freshness: producer send to" +
		" GET /api/events/{id} answering 200, while background records arrive.")
}

func span(v []float64, f string) string {
	lo, hi := slices.Min(v), slices.Max(v)
	if fmt.Sprintf(f, lo) == fmt.Sprintf(f, hi) {
		return fmt.Sprintf(f, lo)
	}
	return fmt.Sprintf(f+"–"+f, lo, hi)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d.Microseconds())/1000) }
