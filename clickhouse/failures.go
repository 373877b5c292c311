package clickhouse

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/eventscope/eventscope/store"
)

var _ store.Failures = (*Store)(nil)

// statusChunk bounds the flows whose status one read decides.
const statusChunk = 1000

// FailedRecords implements store.Failures from event_classes alone (sparse:
// only classified records; the time bounds prune its daily partitions),
// one row per record identity, and the status of each record's flow as
// Reader.Flows reports it.
func (s *Store) FailedRecords(ctx context.Context, q store.FailureQuery) ([]store.FailedRecord, error) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	var sb strings.Builder
	sb.WriteString(`SELECT topic, kafka_partition, kafka_offset, event_id, flow_id, type, source, reason, class,
  if(time_ns = 0, toInt64(toUInt32(event_time)) * 1000000000, time_ns) AS t, kafka_time_ns, '' AS status
FROM event_classes
WHERE bitAnd(class, 2) != 0 AND internal = 0`)
	var args []any
	if !q.From.IsZero() {
		from = nanos(q.From)
		sb.WriteString(` AND event_time >= ?`)
		args = append(args, seconds(q.From.Truncate(1e9)))
	}
	if !q.To.IsZero() {
		to = nanos(q.To)
		sb.WriteString(` AND event_time <= ?`)
		args = append(args, seconds(q.To))
	}
	sb.WriteString(` AND t >= ? AND t < ?`)
	args = append(args, from, to)
	if q.Service != "" {
		sb.WriteString(` AND source = ?`)
		args = append(args, q.Service)
	}
	if q.Topic != "" {
		sb.WriteString(` AND topic = ?`)
		args = append(args, q.Topic)
	}
	sb.WriteString(`
ORDER BY t DESC, topic, kafka_partition, kafka_offset
LIMIT 1 BY topic, kafka_partition, kafka_offset, kafka_time_ns`)
	if q.Limit > 0 {
		sb.WriteString(fmt.Sprintf(` LIMIT %d`, q.Limit))
	}
	rows, err := s.conn.Query(ctx, sb.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("failed records: %w", err)
	}
	out, err := store.ScanFailed(rows, timeOf)
	if err != nil {
		return nil, fmt.Errorf("failed records: %w", err)
	}
	return out, s.failedStatuses(ctx, out)
}
