package clickhouse

import (
	"context"
	"fmt"
	"sort"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// eventColumns is what readers select to rebuild an event.Event.
const eventColumns = `topic, kafka_partition, kafka_offset, event_id, id_source,
correlation_id, causation_id, type, version, source, time_ns, kafka_time_ns,
ingested_at_ns, key, header_keys, header_values, payload, payload_size,
truncated, content_type, convention, decode_error, payload_raw, key_raw, internal`

// eventOrder is the order of Flow, on latestEvents: its LIMIT 1 BY drops
// the copies of a record (topic, partition, offset, Kafka timestamp) that
// a retried write left before ReplacingMergeTree merged them, and the
// versions a Rewrite replaced (rewrite.go).
const eventOrder = ` ORDER BY time_ns, topic, kafka_partition, kafka_offset, kafka_time_ns`

func scanEvents(rows driver.Rows) ([]event.Event, error) {
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		var (
			e               event.Event
			t, kt, it, size int64
			hk, hv          []string
			payload         []byte
			truncated       uint8
			raw             []byte
			internal        uint8
		)
		if err := rows.Scan(&e.Topic, &e.Partition, &e.Offset, &e.EventID, &e.IDSource,
			&e.CorrelationID, &e.CausationID, &e.Type, &e.Version, &e.Source, &t, &kt,
			&it, &e.Key, &hk, &hv, &payload, &size,
			&truncated, &e.ContentType, &e.Convention, &e.DecodeError, &raw, &e.KeyRaw, &internal); err != nil {
			return nil, err
		}
		e.Time, e.KafkaTime, e.IngestedAt = timeOf(t), timeOf(kt), timeOf(it)
		e.Headers = joinHeaders(hk, hv)
		if len(payload) > 0 {
			e.Payload = payload
		}
		e.PayloadSize, e.Truncated = int(size), truncated != 0
		if len(raw) > 0 {
			e.PayloadRaw = raw
		}
		e.Internal = internal != 0
		out = append(out, e)
	}
	return out, rows.Err()
}

// Flow returns the events of one flow in time order.
func (s *Store) Flow(ctx context.Context, flowID string) ([]event.Event, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, latestEvents("flow_id = ?")+eventOrder, flowID)
	if err != nil {
		return nil, fmt.Errorf("read flow %q: %w", flowID, err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read flow %q: %w", flowID, err)
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("flow %q: %w", flowID, store.ErrNotFound)
	}
	return evs, nil
}

// EventsByID returns every record with event ID id: events_by_id names the
// flows, whose primary key then finds the records.
func (s *Store) EventsByID(ctx context.Context, id string) ([]event.Event, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	// Every row of the records that ever had the ID: a newer version may
	// have another.
	rows, err := s.conn.Query(ctx, latestEvents(`flow_id IN (SELECT flow_id FROM events_by_id WHERE event_id = ?)
AND (`+versionKey+`) IN (SELECT `+versionKey+` FROM events
  WHERE flow_id IN (SELECT flow_id FROM events_by_id WHERE event_id = ?) AND event_id = ?)`)+` AND event_id = ?`+eventOrder, id, id, id, id)
	if err != nil {
		return nil, fmt.Errorf("read event %q: %w", id, err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read event %q: %w", id, err)
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("event %q: %w", id, store.ErrNotFound)
	}
	return evs, nil
}

// Resolve finds the flow a token names: a flow ID, else an event ID (the
// first record in Flow order), else a Kafka key (the newest event with it).
func (s *Store) Resolve(ctx context.Context, token string) (store.Resolution, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var n uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM (SELECT flow_id FROM events WHERE flow_id = ? LIMIT 1)", token).Scan(&n); err != nil {
		return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, err)
	}
	if n > 0 {
		return store.Resolution{FlowID: token, Match: store.MatchFlow}, nil
	}
	flow, err := s.firstFlow(ctx, `SELECT flow_id FROM events
WHERE flow_id IN (SELECT flow_id FROM events_by_id WHERE event_id = ?) AND event_id = ?
ORDER BY time_ns, topic, kafka_partition, kafka_offset LIMIT 1`, token, token)
	if err != nil {
		return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, err)
	}
	if flow != "" {
		return store.Resolution{FlowID: flow, Match: store.MatchEvent, EventID: token}, nil
	}
	flow, err = s.firstFlow(ctx, `SELECT flow_id FROM events
WHERE flow_id IN (SELECT flow_id FROM event_keys WHERE key = ?) AND key = ?
ORDER BY time_ns DESC, topic DESC, kafka_partition DESC, kafka_offset DESC LIMIT 1`, token, token)
	if err != nil {
		return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, err)
	}
	if flow != "" {
		return store.Resolution{FlowID: flow, Match: store.MatchKey}, nil
	}
	return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, store.ErrNotFound)
}

// firstFlow returns the flow_id of the query's first row, "" when none.
func (s *Store) firstFlow(ctx context.Context, query string, args ...any) (string, error) {
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var flow string
	if rows.Next() {
		if err := rows.Scan(&flow); err != nil {
			return "", err
		}
	}
	return flow, rows.Err()
}

// Stats counts records (each once) per topic from topic_buckets: a
// redelivered record has its copy's Kafka time, so it is counted once in
// its bucket, and the buckets' distinct counts add up; buckets older than
// statsFreeze are counted once per process (frozenCounts). Flows are
// counted in flow_summary.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	counts, err := s.topicCounts(ctx)
	if err != nil {
		return store.Stats{}, fmt.Errorf("read stats: %w", err)
	}
	st := store.Stats{Topics: []store.TopicCount{}}
	for topic, n := range counts {
		if n > 0 {
			st.Topics = append(st.Topics, store.TopicCount{Topic: topic, Events: n})
			st.Events += n
		}
	}
	sort.Slice(st.Topics, func(i, j int) bool { return st.Topics[i].Topic < st.Topics[j].Topic })
	if st.Internal, err = s.internalTopics(ctx); err != nil {
		return store.Stats{}, fmt.Errorf("read stats: %w", err)
	}
	var flows uint64
	if err := s.conn.QueryRow(ctx, "SELECT uniqExact(flow_id) FROM flow_summary").Scan(&flows); err != nil {
		return store.Stats{}, fmt.Errorf("read stats: %w", err)
	}
	st.Flows = int64(flows)
	return st, nil
}

// internalTopics counts the records (each once) of internal topics, which
// no read model holds: PREWHERE reads the one-byte internal column of every
// part and the rest only of internal records.
func (s *Store) internalTopics(ctx context.Context) ([]store.TopicCount, error) {
	rows, err := s.conn.Query(ctx, `SELECT topic, uniqExact(kafka_partition, kafka_offset, kafka_time_ns) FROM events
PREWHERE internal = 1 GROUP BY topic ORDER BY topic`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TopicCount
	for rows.Next() {
		var tc store.TopicCount
		var n uint64
		if err := rows.Scan(&tc.Topic, &n); err != nil {
			return nil, err
		}
		tc.Events = int64(n)
		out = append(out, tc)
	}
	return out, rows.Err()
}
