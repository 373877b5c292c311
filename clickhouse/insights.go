package clickhouse

import (
	"context"
	"fmt"
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

// TopicRates counts distinct records per topic and bucket of arrival time.
func (s *Store) TopicRates(ctx context.Context, from, to time.Time, step time.Duration) ([]store.TopicSeries, error) {
	n := store.Buckets(from, to, step)
	if n == 0 {
		return []store.TopicSeries{}, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, `SELECT topic, intDiv(kafka_time_ns - ?, ?) AS b,
uniqExact(kafka_partition, kafka_offset) AS c FROM events
WHERE event_time >= ? AND event_time <= ? AND kafka_time_ns >= ? AND kafka_time_ns < ?
GROUP BY topic, b ORDER BY topic`, from.UnixNano(), int64(step),
		seconds(from.Add(-partitionSlack)), seconds(to.Add(partitionSlack)), from.UnixNano(), to.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	defer rows.Close()
	out := []store.TopicSeries{}
	for rows.Next() {
		var topic string
		var b int64
		var c uint64
		if err := rows.Scan(&topic, &b, &c); err != nil {
			return nil, fmt.Errorf("topic rates: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Topic != topic {
			out = append(out, store.TopicSeries{Topic: topic, Start: from.UTC(), Step: step, Counts: make([]int64, n)})
		}
		if b >= 0 && b < int64(n) {
			out[len(out)-1].Counts[b] += int64(c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	return out, nil
}

// SlowestFlows finds the flows with an event since since (flow_times),
// ranks them by span over all their events (events, by primary key) and
// sums up the top ones.
func (s *Store) SlowestFlows(ctx context.Context, since time.Time, limit int) ([]store.FlowSummary, error) {
	if limit <= 0 {
		return []store.FlowSummary{}, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	hs, err := s.heads(ctx, `SELECT flow_id, max(time_ns) AS last FROM events
WHERE flow_id IN (SELECT flow_id FROM events WHERE event_time >= ? AND time_ns >= ?)
GROUP BY flow_id HAVING last >= ?
ORDER BY last - min(time_ns) DESC, last DESC, flow_id DESC
LIMIT ?`, seconds(since), since.UnixNano(), since.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("slowest flows: %w", err)
	}
	sums, err := s.summaries(ctx, hs)
	if err != nil {
		return nil, fmt.Errorf("slowest flows: %w", err)
	}
	return sums, nil
}

// EventTypes compares the variants of the newest events per (type,
// version) that arrived since since with those that arrived in
// [baseline, since), at most typeSamplePerVersion of each on each side.
// Events counts the rows read: copies a retried write left before
// ReplacingMergeTree merged them count too.
func (s *Store) EventTypes(ctx context.Context, baseline, since time.Time) ([]store.TypeInfo, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	tally := store.NewTypeTally(since)
	for _, span := range [][2]time.Time{{since, {}}, {baseline, since}} {
		cond := cond{sql: "event_time >= ? AND kafka_time_ns >= ? AND kafka_time_ns < ?",
			args: []any{seconds(span[0].Add(-partitionSlack)), span[0].UnixNano(), toNanos(span[1])}}
		if !span[1].IsZero() {
			cond.sql += " AND event_time <= ?"
			cond.args = append(cond.args, seconds(span[1].Add(partitionSlack)))
		}
		rows, err := s.conn.Query(ctx, `SELECT type, version, payload, kafka_time_ns FROM events
WHERE `+cond.sql+`
ORDER BY kafka_time_ns DESC
LIMIT ? BY type, version`, append(cond.args, typeSamplePerVersion)...)
		if err != nil {
			return nil, fmt.Errorf("event types: %w", err)
		}
		if err := tally.AddRows(rows, timeOf); err != nil {
			return nil, fmt.Errorf("event types: %w", err)
		}
	}
	return tally.Result(), nil
}

// RecentEvents returns the newest arrivals since since, each record once.
func (s *Store) RecentEvents(ctx context.Context, since time.Time, limit int) ([]event.Event, error) {
	if limit <= 0 {
		return []event.Event{}, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, "SELECT "+eventColumns+` FROM events
WHERE event_time >= ? AND kafka_time_ns >= ?
ORDER BY kafka_time_ns DESC, topic DESC, kafka_partition DESC, kafka_offset DESC
LIMIT 1 BY topic, kafka_partition, kafka_offset
LIMIT ?`, seconds(since.Add(-partitionSlack)), since.UnixNano(), limit)
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
