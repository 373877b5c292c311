package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/store"
)

var _ store.Positions = (*Store)(nil)

const insertPositions = `INSERT INTO positions (topic, kafka_partition, grp, at_ns, committed, high, prev_ns, oldest_ns, at_time)`

// WritePositions stores rows as one batch. A row written again collapses on
// merge; readers drop the copies not yet merged.
func (s *Store) WritePositions(ctx context.Context, rows []store.Position) error {
	if len(rows) == 0 {
		return nil
	}
	b, err := s.conn.PrepareBatch(ctx, insertPositions)
	if err != nil {
		return fmt.Errorf("write %d positions: prepare: %w", len(rows), err)
	}
	for i := range rows {
		r := &rows[i]
		if err := b.Append(r.Topic, r.Partition, r.Group, nanos(r.At), r.Committed, r.High,
			nanos(r.Prev), nanos(r.Oldest), seconds(r.At)); err != nil {
			_ = b.Abort()
			return fmt.Errorf("write %d positions: append: %w", len(rows), err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("write %d positions: %w", len(rows), err)
	}
	return nil
}

// PositionHistory returns group's rows in [from, to) and the newest row of
// each (group, topic, partition) before from, looked for in the
// 2·PositionHeartbeat before from only (the day partitions it needs, not
// every one).
func (s *Store) PositionHistory(ctx context.Context, group string, from, to time.Time) ([]store.Position, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, `SELECT grp, topic, kafka_partition, at_ns, committed, high, prev_ns, oldest_ns
FROM positions WHERE (? = '' OR grp = ?) AND at_ns >= ? AND at_ns < ? AND at_time >= toDateTime(?)
UNION ALL
SELECT grp, topic, kafka_partition, max(at_ns), argMax(committed, at_ns), argMax(high, at_ns),
    argMax(prev_ns, at_ns), argMax(oldest_ns, at_ns)
FROM positions WHERE (? = '' OR grp = ?) AND at_ns < ? AND at_time >= toDateTime(?)
GROUP BY grp, topic, kafka_partition`,
		group, group, nanos(from), nanos(to), seconds(from).Unix(), group, group, nanos(from),
		seconds(from.Add(-2*store.PositionHeartbeat)).Unix())
	if err != nil {
		return nil, fmt.Errorf("position history of %q: %w", group, err)
	}
	out, err := store.ScanPositions(rows, timeOf)
	if err != nil {
		return nil, fmt.Errorf("position history of %q: %w", group, err)
	}
	slices.SortFunc(out, comparePositions)
	return slices.CompactFunc(out, func(a, b store.Position) bool { return comparePositions(a, b) == 0 }), nil
}

// FirstPassed returns, per group, the earliest row on (topic, partition)
// whose committed offset is above offset.
func (s *Store) FirstPassed(ctx context.Context, topic string, partition int32, offset int64) ([]store.Position, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, `SELECT grp, any(topic), any(kafka_partition), min(at_ns), argMin(committed, at_ns),
    argMin(high, at_ns), argMin(prev_ns, at_ns), argMin(oldest_ns, at_ns)
FROM positions WHERE topic = ? AND kafka_partition = ? AND committed > ?
GROUP BY grp ORDER BY grp`, topic, partition, offset)
	if err != nil {
		return nil, fmt.Errorf("groups past %s[%d]@%d: %w", topic, partition, offset, err)
	}
	out, err := store.ScanPositions(rows, timeOf)
	if err != nil {
		return nil, fmt.Errorf("groups past %s[%d]@%d: %w", topic, partition, offset, err)
	}
	return out, nil
}

func comparePositions(a, b store.Position) int {
	if c := strings.Compare(a.Group, b.Group); c != 0 {
		return c
	}
	if c := strings.Compare(a.Topic, b.Topic); c != 0 {
		return c
	}
	if a.Partition != b.Partition {
		return int(a.Partition - b.Partition)
	}
	return a.At.Compare(b.At)
}

// recordsChunk bounds the partitions of one Records query.
const recordsChunk = 200

// Records looks the coordinates up in the records table, one query per
// recordsChunk partitions.
func (s *Store) Records(ctx context.Context, at []store.Coord) ([]store.RecordRef, error) {
	type tp struct {
		topic string
		part  int32
	}
	byPart := map[tp][]int64{}
	var order []tp
	for _, c := range at {
		k := tp{c.Topic, c.Partition}
		if _, ok := byPart[k]; !ok {
			order = append(order, k)
		}
		byPart[k] = append(byPart[k], c.Offset)
	}
	out := []store.RecordRef{}
	for len(order) > 0 {
		chunk := order[:min(len(order), recordsChunk)]
		order = order[len(chunk):]
		var conds []string
		var args []any
		for _, k := range chunk {
			conds = append(conds, "(topic = ? AND kafka_partition = ? AND kafka_offset IN ?)")
			args = append(args, k.topic, k.part, ch.GroupSet{Value: anySlice(byPart[k])})
		}
		refs, err := s.records(ctx, strings.Join(conds, " OR "), args)
		if err != nil {
			return nil, fmt.Errorf("records at %d coordinates: %w", len(at), err)
		}
		out = append(out, refs...)
	}
	return out, nil
}

func (s *Store) records(ctx context.Context, where string, args []any) ([]store.RecordRef, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, `SELECT topic, kafka_partition, kafka_offset, argMax(event_id, kafka_time_ns),
    argMax(correlation_id, kafka_time_ns), argMax(flow_id, kafka_time_ns), max(kafka_time_ns)
FROM records WHERE `+where+` GROUP BY topic, kafka_partition, kafka_offset`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.RecordRef
	for rows.Next() {
		var r store.RecordRef
		var kt int64
		if err := rows.Scan(&r.Topic, &r.Partition, &r.Offset, &r.EventID, &r.CorrelationID, &r.FlowID, &kt); err != nil {
			return nil, err
		}
		r.KafkaTime = timeOf(kt)
		out = append(out, r)
	}
	return out, rows.Err()
}

func anySlice(xs []int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
