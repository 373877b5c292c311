package sqlite

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/eventscope/eventscope/store"
)

var _ store.Failures = (*Store)(nil)

// FailedRecords implements store.Failures from the class each record got
// at write time (index events_failed, 0012_failures.sql), with the status
// of its flow from the flows table.
func (s *Store) FailedRecords(ctx context.Context, q store.FailureQuery) ([]store.FailedRecord, error) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		from = nanos(q.From)
	}
	if !q.To.IsZero() {
		to = nanos(q.To)
	}
	var sb strings.Builder
	sb.WriteString(`SELECT e.topic, e.part, e.kafka_offset, e.event_id, e.flow_id, e.type, e.source, e.reason, e.class,
	e.time, e.kafka_time, COALESCE(f.status, '')
FROM events e LEFT JOIN flows f ON f.flow_id = e.flow_id
WHERE e.class & 2 <> 0 AND e.internal = 0 AND e.time >= ? AND e.time < ?`)
	args := []any{from, to}
	if q.Service != "" {
		sb.WriteString(` AND e.source = ?`)
		args = append(args, q.Service)
	}
	if q.Topic != "" {
		sb.WriteString(` AND e.topic = ?`)
		args = append(args, q.Topic)
	}
	sb.WriteString(` ORDER BY e.time DESC, e.topic, e.part, e.kafka_offset`)
	if q.Limit > 0 {
		sb.WriteString(` LIMIT ?`)
		args = append(args, q.Limit)
	}
	rows, err := s.r.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("failed records: %w", err)
	}
	out, err := store.ScanFailed(rows, fromNanos)
	if err != nil {
		return nil, fmt.Errorf("failed records: %w", err)
	}
	return out, nil
}
