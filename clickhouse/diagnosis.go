package clickhouse

import (
	"context"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// diagnoseSummaries sets the diagnosis (anomalies, status, reason) of the
// summaries from their flows' verdicts (flow_verdicts, by primary key: the
// summary's last time and flow ID) when a verdict counted the same records;
// the diagnose engine runs on the records of the others (readSteps), which
// are marked pending so that the next pass stores their verdicts.
func (s *Store) diagnoseSummaries(ctx context.Context, sums []store.FlowSummary) error {
	if len(sums) == 0 {
		return nil
	}
	cfg, now := s.diag.Get(), time.Now()
	got, err := s.currentVerdicts(ctx, sums)
	if err != nil {
		return err
	}
	var miss []any
	var stale []string
	for i := range sums {
		if sum, ok := got[i]; ok {
			sums[i].SetDiagnosis(sum, now)
			continue
		}
		miss = append(miss, sums[i].CorrelationID)
		if !sums[i].LastTime.IsZero() {
			stale = append(stale, sums[i].CorrelationID)
		}
	}
	if len(miss) == 0 {
		return nil
	}
	steps, err := readSteps(ctx, s.conn, miss, cfg)
	if err != nil {
		return err
	}
	for i := range sums {
		if _, ok := got[i]; !ok {
			sums[i].SetDiagnosis(cfg.Summarize(steps[sums[i].CorrelationID]), now)
		}
	}
	s.pend.touch(stale)
	return nil
}

// currentVerdicts reads the verdicts of the summaries that have one
// computed on the same records (same last time and record count), by index
// in sums. Summaries with only a flow ID (the failures inbox's) take their
// last time and count from flow_summary.
func (s *Store) currentVerdicts(ctx context.Context, sums []store.FlowSummary) (map[int]diagnose.Summary, error) {
	type key struct {
		flow string
		last int64
	}
	heads, err := s.summaryHeads(ctx, sums)
	if err != nil {
		return nil, err
	}
	at := map[key]int{}
	var ids, lasts []any
	for i, h := range heads {
		if h.last == zeroNanos {
			continue
		}
		k := key{sums[i].CorrelationID, h.last}
		at[k] = i
		ids, lasts = append(ids, k.flow), append(lasts, k.last)
	}
	out := map[int]diagnose.Summary{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.conn.Query(ctx, `SELECT flow_id, last_ns, argMax(records, computed_ns), argMax(kinds, computed_ns),
  argMax(base, computed_ns), argMax(reason, computed_ns), argMax(failed_type, computed_ns), argMax(stall_ns, computed_ns)
FROM flow_verdicts WHERE last_ns IN ? AND flow_id IN ?
GROUP BY flow_id, last_ns`, ch.GroupSet{Value: lasts}, ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read flow verdicts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var n uint64
		var kinds []string
		var base, reason, failed string
		var stall int64
		if err := rows.Scan(&k.flow, &k.last, &n, &kinds, &base, &reason, &failed, &stall); err != nil {
			return nil, fmt.Errorf("read flow verdicts: %w", err)
		}
		if i, ok := at[k]; ok && n == heads[i].records {
			out[i] = summaryOf(kinds, base, reason, failed, stall)
		}
	}
	return out, rows.Err()
}

// recordKey is a record's identity within its flow.
type recordKey struct {
	flow, topic string
	partition   int32
	offset, kt  int64
}

// readSteps reads the engine's Steps of the flows ids.
// What type and topic say of a record is classified here too, so records
// stored before event_classes existed count by their type and topic.
func readSteps(ctx context.Context, conn driver.Conn, ids []any, cfg *diagnose.Config) (map[string][]diagnose.Step, error) {
	rows, err := conn.Query(ctx, `SELECT flow_id, event_id, causation_id, correlation_id, type, source, topic,
  kafka_partition, kafka_offset, kafka_time_ns, time_ns
FROM (SELECT flow_id, event_id, causation_id, correlation_id, type, source, topic,
  kafka_partition, kafka_offset, kafka_time_ns, time_ns, id_source
 FROM events WHERE flow_id IN ? AND internal = 0
 ORDER BY ingested_at_ns DESC LIMIT 1 BY `+versionKey+`)
WHERE id_source != '`+movedSource+`'`, ch.GroupSet{Value: ids})
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
	crow, err := conn.Query(ctx, `SELECT flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns, class, reason
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
			c.UnpublishedCause = stored.UnpublishedCause
		}
	}
	return out, crow.Err()
}

// head is what tells a flow's verdict is current: its last time and
// record count.
type head struct {
	last    int64
	records uint64
}

// summaryHeads returns the heads of sums, by index; those of summaries
// without a LastTime are read from flow_summary (by primary key), zeroNanos
// when the flow has none.
func (s *Store) summaryHeads(ctx context.Context, sums []store.FlowSummary) ([]head, error) {
	out := make([]head, len(sums))
	var ask []any
	for i := range sums {
		if sums[i].LastTime.IsZero() {
			out[i].last = zeroNanos
			ask = append(ask, sums[i].CorrelationID)
		} else {
			out[i] = head{nanos(sums[i].LastTime), uint64(sums[i].EventCount)}
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	got, err := flowHeads(ctx, s.conn, ask)
	if err != nil {
		return nil, err
	}
	for i := range sums {
		if h, ok := got[sums[i].CorrelationID]; ok && sums[i].LastTime.IsZero() {
			out[i] = h
		}
	}
	return out, nil
}

// flowHeads reads the heads of the flows ids from flow_summary (by primary
// key); a flow with no row there has none.
func flowHeads(ctx context.Context, conn driver.Conn, ids []any) (map[string]head, error) {
	got := map[string]head{}
	if len(ids) == 0 {
		return got, nil
	}
	rows, err := conn.Query(ctx, `SELECT flow_id, maxMerge(last_ns), uniqExactArrayMerge(records)
FROM flow_summary WHERE flow_id IN ? GROUP BY flow_id`, ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read flow heads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		var h head
		if err := rows.Scan(&f, &h.last, &h.records); err != nil {
			return nil, fmt.Errorf("read flow heads: %w", err)
		}
		got[f] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read flow heads: %w", err)
	}
	return got, nil
}
