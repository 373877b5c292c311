package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

var _ store.Insights = (*Store)(nil)

// The events table has no index on time: these views find the newest rows
// through the rowid, which grows in the order rows were stored. ingested_at
// grows with it (one writer stores batches in turn), so a binary search on
// the rowid finds the first row stored after a given instant in O(log n)
// lookups, and a rowid range scan reads the rows stored since. Arrival time
// (kafka_time) then filters them exactly; arrivalSlack is how far a record
// timestamp may run ahead of the ingesting clock and still be found.
const arrivalSlack = 5 * time.Minute

// typeSample caps the rows EventTypes reads on each side of since: the
// newest typeSample events of the window, and of the baseline.
const typeSample = 5000

// storedSince returns the lowest rowid of the rows stored at or after t
// (ingested_at), or one past the last row when there are none.
func (s *Store) storedSince(ctx context.Context, t time.Time) (int64, error) {
	var lo, hi sql.NullInt64
	// Two subqueries: SQLite answers a lone min() or max() of the rowid
	// from the B-tree's ends, but scans the table for both in one SELECT.
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT min(id) FROM events), (SELECT max(id) FROM events)`).Scan(&lo, &hi); err != nil {
		return 0, fmt.Errorf("rowid range: %w", err)
	}
	if !lo.Valid {
		return 0, nil
	}
	at := nanos(t)
	l, h := lo.Int64, hi.Int64+1
	for l < h {
		mid := l + (h-l)/2
		var id, ing int64
		err := s.r.QueryRowContext(ctx, `SELECT id, ingested_at FROM events WHERE id >= ? ORDER BY id LIMIT 1`, mid).Scan(&id, &ing)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			h = mid
		case err != nil:
			return 0, fmt.Errorf("find rows stored since %s: %w", t.Format(time.RFC3339), err)
		case ing >= at:
			h = mid
		default:
			l = id + 1
		}
	}
	return l, nil
}

// TopicRates counts events per topic and bucket of arrival time.
func (s *Store) TopicRates(ctx context.Context, from, to time.Time, step time.Duration) ([]store.TopicSeries, error) {
	n := store.Buckets(from, to, step)
	if n == 0 {
		return []store.TopicSeries{}, nil
	}
	lo, err := s.storedSince(ctx, from.Add(-arrivalSlack))
	if err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT topic, (kafka_time - ?) / ? AS b, count(*) FROM events
		WHERE id >= ? AND kafka_time >= ? AND kafka_time < ? AND internal = 0 GROUP BY topic, b ORDER BY topic`,
		nanos(from), int64(step), lo, nanos(from), nanos(to))
	if err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	out, err := store.ScanTopicRates(rows, from, step, n)
	if err != nil {
		return nil, fmt.Errorf("topic rates: %w", err)
	}
	return out, nil
}

// SlowestFlows lists the flows active since since, longest span first,
// from the flows table (its last_time index bounds the scan).
func (s *Store) SlowestFlows(ctx context.Context, since time.Time, limit int) ([]store.FlowSummary, error) {
	if limit <= 0 {
		return []store.FlowSummary{}, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+summaryColumns+` FROM flows f WHERE f.last_time >= ?
		ORDER BY f.last_time - f.first_time DESC, f.last_time DESC, f.flow_id DESC LIMIT ?`, nanos(since), limit)
	if err != nil {
		return nil, fmt.Errorf("slowest flows: %w", err)
	}
	out, err := scanSummaries(rows, time.Now())
	if err != nil {
		return nil, fmt.Errorf("slowest flows: %w", err)
	}
	return out, nil
}

// EventTypes compares the variants of the newest typeSample events that
// arrived since since with those of the newest typeSample events that
// arrived in [baseline, since).
func (s *Store) EventTypes(ctx context.Context, baseline, since time.Time) ([]store.TypeInfo, error) {
	loBase, err := s.storedSince(ctx, baseline.Add(-arrivalSlack))
	if err != nil {
		return nil, fmt.Errorf("event types: %w", err)
	}
	tally := store.NewTypeTally(since)
	for _, span := range [][2]int64{{nanos(since), math.MaxInt64}, {nanos(baseline), nanos(since)}} {
		rows, err := s.r.QueryContext(ctx, `SELECT type, version, payload, kafka_time FROM events
			WHERE id >= ? AND kafka_time >= ? AND kafka_time < ? ORDER BY id DESC LIMIT ?`, loBase, span[0], span[1], typeSample)
		if err != nil {
			return nil, fmt.Errorf("event types: %w", err)
		}
		if err := tally.AddRows(rows, fromNanos); err != nil {
			return nil, fmt.Errorf("event types: %w", err)
		}
	}
	return tally.Result(), nil
}

// RecentEvents returns the newest events stored whose arrival time is at
// or after since, the last stored first.
func (s *Store) RecentEvents(ctx context.Context, since time.Time, limit int) ([]event.Event, error) {
	if limit <= 0 {
		return []event.Event{}, nil
	}
	lo, err := s.storedSince(ctx, since.Add(-arrivalSlack))
	if err != nil {
		return nil, fmt.Errorf("recent events: %w", err)
	}
	evs, err := s.events(ctx, `SELECT `+eventColumns+` FROM events WHERE id >= ? AND kafka_time >= ?
		ORDER BY id DESC LIMIT ?`, lo, nanos(since), limit)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return []event.Event{}, nil
	case err != nil:
		return nil, fmt.Errorf("recent events: %w", err)
	}
	return evs, nil
}
