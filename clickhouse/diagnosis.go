package clickhouse

import (
	"context"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// diagnoseSummaries sets the diagnosis (anomalies, status, reason) of the
// summaries: the diagnose engine runs on the skeleton of each flow's
// records read from events (one row per record identity) and their
// classes from event_classes (sparse: most records have none). flow_summary
// does not hold what the engine
// needs per record (type, source, class); until a read model carries each
// flow's diagnose.Summary, a page of summaries costs this extra read.
func (s *Store) diagnoseSummaries(ctx context.Context, sums []store.FlowSummary) error {
	if len(sums) == 0 {
		return nil
	}
	ids := make([]any, len(sums))
	for i := range sums {
		ids[i] = sums[i].CorrelationID
	}
	cfg, now := s.diag.Get(), time.Now()
	steps, err := s.skeletons(ctx, ids, cfg)
	if err != nil {
		return err
	}
	for i := range sums {
		sums[i].SetDiagnosis(cfg.Summarize(steps[sums[i].CorrelationID]), now)
	}
	return nil
}

// recordKey is a record's identity within its flow.
type recordKey struct {
	flow, topic string
	partition   int32
	offset, kt  int64
}

// skeletons reads the engine's Steps of the flows ids.
// What type and topic say of a record is classified here too, so records
// stored before event_classes existed count by their type and topic.
func (s *Store) skeletons(ctx context.Context, ids []any, cfg *diagnose.Config) (map[string][]diagnose.Step, error) {
	rows, err := s.conn.Query(ctx, `SELECT flow_id, event_id, causation_id, correlation_id, type, source, topic,
  kafka_partition, kafka_offset, kafka_time_ns, time_ns
FROM events WHERE flow_id IN ? AND internal = 0
LIMIT 1 BY flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns`, ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	defer rows.Close()
	at := map[recordKey]int{}
	out := map[string][]diagnose.Step{}
	for rows.Next() {
		var k recordKey
		var st diagnose.Step
		var t int64
		if err := rows.Scan(&k.flow, &st.ID, &st.Cause, &st.Flow, &st.Type, &st.Source, &k.topic,
			&k.partition, &k.offset, &k.kt, &t); err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		st.Topic, st.Time, st.Where = k.topic, timeOf(t), event.Coordinates(k.topic, k.partition, k.offset)
		dl := cfg.IsDeadLetter(st.Topic)
		st.Class = diagnose.Class{DeadLetter: dl, Failure: dl || cfg.IsFailureType(st.Type), Compensation: cfg.IsCompensationType(st.Type)}
		at[k] = len(out[k.flow])
		out[k.flow] = append(out[k.flow], st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	crow, err := s.conn.Query(ctx, `SELECT flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns, class, reason
FROM event_classes WHERE flow_id IN ?`, ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read record classes: %w", err)
	}
	defer crow.Close()
	for crow.Next() {
		var k recordKey
		var class uint8
		var reason string
		if err := crow.Scan(&k.flow, &k.topic, &k.partition, &k.offset, &k.kt, &class, &reason); err != nil {
			return nil, fmt.Errorf("read record classes: %w", err)
		}
		if i, ok := at[k]; ok {
			c := &out[k.flow][i].Class
			stored := diagnose.ClassOf(class, reason)
			c.DeadLetter, c.Failure = c.DeadLetter || stored.DeadLetter, c.Failure || stored.Failure
			c.Compensation, c.Reason = c.Compensation || stored.Compensation, stored.Reason
			c.Redrive = stored.Redrive
		}
	}
	return out, crow.Err()
}
