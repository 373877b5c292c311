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

// rawTable has the columns of the store's events table, in a plain
// MergeTree with the same partitions and sorting key, and no views.
const rawTable = `CREATE TABLE raw_events (
    flow_id String, topic String, kafka_partition Int32, kafka_offset Int64,
    event_id String, id_source String, correlation_id String, causation_id String,
    type String, version String, source String, time_ns Int64, event_time DateTime,
    kafka_time_ns Int64, ingested_at_ns Int64, key String,
    header_keys Array(String), header_values Array(String), payload String,
    payload_size Int64, truncated UInt8, content_type String, convention String,
    decode_error String, dead_letter UInt8
) ENGINE = MergeTree PARTITION BY toYYYYMMDD(event_time)
ORDER BY (flow_id, topic, kafka_partition, kafka_offset)`

const rawInsertSQL = `INSERT INTO raw_events (flow_id, topic, kafka_partition, kafka_offset,
event_id, id_source, correlation_id, causation_id, type, version, source,
time_ns, event_time, kafka_time_ns, ingested_at_ns, key, header_keys, header_values,
payload, payload_size, truncated, content_type, convention, decode_error, dead_letter)`

// load writes every batch twice, alternating which goes first: with
// plain clickhouse-go batches into raw_events (skipped with skipRaw) and
// through the store's Write. Interleaving gives both the same machine
// load, which on a shared machine swings more than the difference
// measured. It returns the open store and both rates (events per second
// of the time spent in Append+Send, or in Write); raw_events is dropped
// at the end so its merges do not slow the reads measured next.
func (b *bench) load(ctx context.Context, g *gen, size int, skipRaw bool) (*clickhouse.Store, float64, float64, error) {
	s, err := clickhouse.Open(ctx, b.dsn, clickhouse.Options{})
	if err != nil {
		return nil, 0, 0, err
	}
	conn, err := ch.Open(b.opts)
	if err != nil {
		return nil, 0, 0, err
	}
	defer conn.Close()
	if !skipRaw {
		if err := conn.Exec(ctx, rawTable); err != nil {
			return nil, 0, 0, fmt.Errorf("create raw table: %w", err)
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
			if err := rawInsert(ctx, conn, evs); err != nil {
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
	if err == nil && !skipRaw {
		err = conn.Exec(ctx, "DROP TABLE raw_events")
	}
	if err != nil {
		s.Close()
		return nil, 0, 0, err
	}
	rawRate := 0.0
	if !skipRaw {
		rawRate = float64(n) / rawSpent.Seconds()
	}
	return s, rawRate, float64(n) / storeSpent.Seconds(), nil
}

// rawInsert is what an application would write with clickhouse-go alone:
// one PrepareBatch, an Append per row, one Send.
func rawInsert(ctx context.Context, conn driver.Conn, evs []event.Event) error {
	bt, err := conn.PrepareBatch(ctx, rawInsertSQL)
	if err != nil {
		return err
	}
	for i := range evs {
		e := &evs[i]
		hk, hv := make([]string, len(e.Headers)), make([]string, len(e.Headers))
		for j, h := range e.Headers {
			hk[j], hv[j] = h.Key, h.Value
		}
		if err := bt.Append(e.FlowID(), e.Topic, e.Partition, e.Offset, e.EventID, e.IDSource,
			e.CorrelationID, e.CausationID, e.Type, e.Version, e.Source, e.Time.UnixNano(),
			e.Time.Truncate(time.Second), e.KafkaTime.UnixNano(), e.IngestedAt.UnixNano(), e.Key, hk, hv,
			e.Payload, int64(e.PayloadSize), uint8(0), e.ContentType, e.Convention, e.DecodeError, uint8(0)); err != nil {
			_ = bt.Abort()
			return err
		}
	}
	return bt.Send()
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
