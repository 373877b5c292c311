package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

var _ store.Insights = (*Store)(nil)

// The events table is sorted by flow and partitioned by event day, so
// these store-wide views scan the partitions of the window (a day either
// side, since arrival and event times may differ) rather than seek: their
// cost grows with the events of those days. A time-sorted table or an
// aggregating view of counts per topic and minute would make them cheap;
// see docs/PERFORMANCE.md.
const (
	// partitionSlack widens the event_time range a query reads beyond its
	// arrival-time window.
	partitionSlack = 24 * time.Hour
	// typeSamplePerVersion caps the newest events read per (type, version)
	// on each side of EventTypes' since.
	typeSamplePerVersion = 200
)

// TopicRates counts distinct records per topic and bucket of arrival
// time, from topic_buckets when the window and step are whole buckets of
// it (the dashboard's are), else from the events of the window.
func (s *Store) TopicRates(ctx context.Context, from, to time.Time, step time.Duration) ([]store.TopicSeries, error) {
	n := store.Buckets(from, to, step)
	if n == 0 {
		return []store.TopicSeries{}, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	q := cond{`SELECT topic, intDiv(kafka_time_ns - ?, ?) AS b,
uniqExact(kafka_partition, kafka_offset) AS c FROM events
WHERE event_time >= ? AND event_time <= ? AND kafka_time_ns >= ? AND kafka_time_ns < ? AND internal = 0
GROUP BY topic, b ORDER BY topic`, []any{from.UnixNano(), int64(step),
		seconds(from.Add(-partitionSlack)), seconds(to.Add(partitionSlack)), from.UnixNano(), to.UnixNano()}}
	if tb := int64(topicBucket); step%topicBucket == 0 && from.UnixNano()%tb == 0 && to.UnixNano()%tb == 0 {
		lo, hi := floorDiv(from.UnixNano(), tb), floorDiv(to.UnixNano(), tb)
		q = cond{`SELECT topic, intDiv(bucket - ?, ?) AS b, sum(c) FROM (
  SELECT topic, bucket, uniqExactArrayMerge(records) AS c FROM topic_buckets
  WHERE bucket >= ? AND bucket < ? GROUP BY topic, bucket
) GROUP BY topic, b ORDER BY topic`, []any{lo, int64(step / topicBucket), lo, hi}}
	}
	rows, err := s.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	out, err := store.ScanTopicRates(rows, from, step, n)
	if err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	return out, nil
}

// SlowestFlows ranks the flows with an event since since (a range of
// flow_verdicts by last time) by span, from their verdicts.
func (s *Store) SlowestFlows(ctx context.Context, since time.Time, limit int) ([]store.FlowSummary, error) {
	if limit <= 0 {
		return []store.FlowSummary{}, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	if err := s.settle(ctx); err != nil {
		return nil, fmt.Errorf("slowest flows: %w", err)
	}
	vs, err := s.readVerdicts(ctx, since.UnixNano(), cond{sql: "1"}, "last - first DESC, "+byLast, limit)
	if err != nil {
		return nil, fmt.Errorf("slowest flows: %w", err)
	}
	now := time.Now()
	out := make([]store.FlowSummary, len(vs))
	for i := range vs {
		out[i] = vs[i].summary(now)
	}
	return out, nil
}

// EventTypes compares the variants seen since since with those seen in
// [baseline, since), from type_minutes: per (type, version, field set)
// and minute of arrival, the first and last arrival and the records. The
// minute that holds since counts in the window; field sets are those of
// a sample of each write's events (rollup.go), so Events counts that
// sample.
func (s *Store) EventTypes(ctx context.Context, baseline, since time.Time) ([]store.TypeInfo, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	m := int64(typeMinute)
	rows, err := s.conn.Query(ctx, `SELECT type, version, fields, minute >= ? AS win,
minMerge(first_ns), maxMerge(last_ns), uniqExactArrayMerge(records)
FROM type_minutes WHERE minute >= ?
GROUP BY type, version, fields, win`, floorDiv(since.UnixNano(), m), floorDiv(baseline.UnixNano(), m))
	if err != nil {
		return nil, fmt.Errorf("event types: %w", err)
	}
	defer rows.Close()
	known, knownType := map[string]bool{}, map[string]bool{}
	var out []store.TypeInfo
	for rows.Next() {
		var ti store.TypeInfo
		var fields string
		var win uint8
		var first, last int64
		var n uint64
		if err := rows.Scan(&ti.Type, &ti.Version, &fields, &win, &first, &last, &n); err != nil {
			return nil, fmt.Errorf("event types: %w", err)
		}
		if win == 0 {
			known[ti.Type+"\x00"+ti.Version+"\x00"+fields], knownType[ti.Type] = true, true
			continue
		}
		ti.Fields = []string{}
		if fields != "" {
			ti.Fields = strings.Split(fields, ",")
		}
		ti.FirstSeen, ti.LastSeen, ti.Events = timeOf(first), timeOf(last), int64(n)
		out = append(out, ti)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("event types: %w", err)
	}
	for i := range out {
		ti := &out[i]
		ti.Known = known[ti.Type+"\x00"+ti.Version+"\x00"+strings.Join(ti.Fields, ",")]
		ti.TypeKnown = knownType[ti.Type]
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return slices.Compare(a.Fields, b.Fields) < 0
	})
	if out == nil {
		out = []store.TypeInfo{}
	}
	return out, nil
}

// RecentEvents returns the newest arrivals since since, each record once.
func (s *Store) RecentEvents(ctx context.Context, since time.Time, limit int) ([]event.Event, error) {
	if limit <= 0 {
		return []event.Event{}, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	// First the Kafka time of the limit-th newest record, reading that one
	// column: the rows are then read (payloads included) only for the
	// records at or after it, not for every record of the window (18.16
	// reads every selected column of the rows a WHERE keeps before it
	// sorts them).
	var bound int64
	if err := s.conn.QueryRow(ctx, `SELECT min(kafka_time_ns) FROM (
  SELECT kafka_time_ns FROM events PREWHERE kafka_time_ns >= ? WHERE event_time >= ?
  ORDER BY kafka_time_ns DESC, topic DESC, kafka_partition DESC, kafka_offset DESC
  LIMIT 1 BY topic, kafka_partition, kafka_offset LIMIT ?)`, since.UnixNano(), seconds(since.Add(-partitionSlack)), limit).Scan(&bound); err != nil {
		return nil, fmt.Errorf("recent events: %w", err)
	}
	rows, err := s.conn.Query(ctx, "SELECT "+eventColumns+` FROM events
PREWHERE kafka_time_ns >= ? WHERE event_time >= ?
ORDER BY kafka_time_ns DESC, topic DESC, kafka_partition DESC, kafka_offset DESC
LIMIT 1 BY topic, kafka_partition, kafka_offset
LIMIT ?`, max(bound, since.UnixNano()), seconds(since.Add(-partitionSlack)), limit)
	if err != nil {
		return nil, fmt.Errorf("recent events: %w", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("recent events: %w", err)
	}
	if evs == nil {
		evs = []event.Event{}
	}
	return evs, nil
}
