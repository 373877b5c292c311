package main

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/chbaseline"
)

type bench struct {
	dsn   string // of the bench database
	db    string
	admin driver.Conn // on database default
	opts  *ch.Options
}

func newBench(serverDSN, db string) (*bench, error) {
	u, err := url.Parse(serverDSN)
	if err != nil {
		return nil, fmt.Errorf("parse dsn: %w", err)
	}
	u.Path = "/" + db
	o, err := ch.ParseDSN(u.String())
	if err != nil {
		return nil, fmt.Errorf("parse dsn: %w", err)
	}
	admin := *o
	admin.Auth.Database = "default"
	conn, err := ch.Open(&admin)
	if err != nil {
		return nil, err
	}
	return &bench{dsn: u.String(), db: db, admin: conn, opts: o}, nil
}

func (b *bench) reset(ctx context.Context) error {
	if err := b.admin.Exec(ctx, "DROP DATABASE IF EXISTS `"+b.db+"`"); err != nil {
		return fmt.Errorf("drop bench database: %w", err)
	}
	return clickhouse.Migrate(ctx, b.dsn)
}

// load writes every batch twice, alternating which goes first: with
// plain clickhouse-go batches into raw_events (skipped with skipRaw) and
// through the store's Write. Interleaving gives both the same machine
// load, which on a shared machine swings more than the difference
// measured. It returns both rates (events per second of the time spent in
// Append+Send, or in Write); raw_events is dropped at the end so its
// merges do not slow the reads measured next. The store is closed at the
// end: the reads go through `tracer serve`.
func (b *bench) load(ctx context.Context, g *gen, size int, skipRaw bool) (float64, float64, error) {
	s, err := clickhouse.Open(ctx, b.dsn, clickhouse.Options{})
	if err != nil {
		return 0, 0, err
	}
	closed := false
	defer func() {
		if !closed {
			s.Close()
		}
	}()
	conn, err := ch.Open(b.opts)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	if !skipRaw {
		if err := conn.Exec(ctx, chbaseline.CreateSQL("raw_events")); err != nil {
			return 0, 0, fmt.Errorf("create raw table: %w", err)
		}
	}
	var rawSpent, storeSpent time.Duration
	n, k := 0, 0
	err = g.batches(size, func(evs []event.Event) error {
		k++
		raw := func() error {
			if skipRaw {
				return nil
			}
			t := time.Now()
			if err := chbaseline.Insert(ctx, conn, "raw_events", evs); err != nil {
				return fmt.Errorf("raw insert: %w", err)
			}
			rawSpent += time.Since(t)
			return nil
		}
		write := func() error {
			t := time.Now()
			if err := s.Write(ctx, evs); err != nil {
				return fmt.Errorf("store write: %w", err)
			}
			storeSpent += time.Since(t)
			return nil
		}
		first, second := raw, write
		if k%2 == 0 {
			first, second = write, raw
		}
		if err := first(); err != nil {
			return err
		}
		n += len(evs)
		return second()
	})
	if err == nil {
		// Close computes the verdicts of the flows the last writes
		// touched (the store's pass runs beside the writes).
		t := time.Now()
		closed, err = true, s.Close()
		fmt.Printf("flow verdicts of the last writes computed in %v at Close\n", time.Since(t).Round(time.Millisecond))
	}
	if err == nil && !skipRaw {
		err = conn.Exec(ctx, "DROP TABLE raw_events")
	}
	if err != nil {
		return 0, 0, err
	}
	rawRate := 0.0
	if !skipRaw {
		rawRate = float64(n) / rawSpent.Seconds()
	}
	return rawRate, float64(n) / storeSpent.Seconds(), nil
}

func (b *bench) diskSize(ctx context.Context) string {
	var bytes uint64
	var rows uint64
	err := b.admin.QueryRow(ctx, `SELECT sum(bytes_on_disk), sumIf(rows, table = 'events') FROM system.parts
WHERE database = ? AND active`, b.db).Scan(&bytes, &rows)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%.0f MiB (events table %d rows before merges)", float64(bytes)/math.Pow(2, 20), rows)
}

// settle waits until no merge runs in the bench database, or max.
func (b *bench) settle(ctx context.Context, max time.Duration) (time.Duration, uint64) {
	start := time.Now()
	for {
		var n uint64
		if err := b.admin.QueryRow(ctx, "SELECT count() FROM system.merges WHERE database = ?", b.db).Scan(&n); err != nil {
			return time.Since(start), 0
		}
		if n == 0 || time.Since(start) > max {
			return time.Since(start), n
		}
		time.Sleep(time.Second)
	}
}

func (b *bench) parts(ctx context.Context) string {
	var n uint64
	if err := b.admin.QueryRow(ctx, "SELECT count() FROM system.parts WHERE database = ? AND table = 'events' AND active", b.db).Scan(&n); err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d parts", n)
}
