package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

const (
	eventColumns = `event_id, id_source, correlation_id, causation_id, type, version, source, time,
	topic, part, kafka_offset, msg_key, kafka_time, ingested_at, headers, payload, payload_size,
	truncated, content_type, convention, decode_error, payload_raw, key_raw, internal`
	flowOrder = ` ORDER BY time, topic, part, kafka_offset`
	// qSeq is the number of the flow named by the one parameter: its
	// records are found by it (events_flow).
	qSeq = `SELECT seq FROM flow_seqs WHERE flow_id = ?`
)

// Flow returns the events of one flow in time, then coordinate, order.
func (s *Store) Flow(ctx context.Context, flowID string) ([]event.Event, error) {
	evs, err := s.events(ctx, `SELECT `+eventColumns+` FROM events WHERE flow_seq = (`+qSeq+`)`+flowOrder, flowID)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w", flowID, err)
	}
	return evs, nil
}

// EventsByID returns every record with event ID id, in Flow order.
func (s *Store) EventsByID(ctx context.Context, id string) ([]event.Event, error) {
	evs, err := s.events(ctx, `SELECT `+eventColumns+` FROM events WHERE id_key = ? AND event_id = ?`+flowOrder, idKey(id), id)
	if err != nil {
		return nil, fmt.Errorf("event %q: %w", id, err)
	}
	return evs, nil
}

// events runs a query for whole events; none found is store.ErrNotFound.
func (s *Store) events(ctx context.Context, query string, args ...any) ([]event.Event, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, store.ErrNotFound
	}
	return out, nil
}

func scanEvent(rows *sql.Rows) (event.Event, error) {
	var e event.Event
	var t, kt, it int64
	var headers []byte
	if err := rows.Scan(&e.EventID, &e.IDSource, &e.CorrelationID, &e.CausationID, &e.Type, &e.Version,
		&e.Source, &t, &e.Topic, &e.Partition, &e.Offset, &e.Key, &kt, &it, &headers, &e.Payload,
		&e.PayloadSize, &e.Truncated, &e.ContentType, &e.Convention, &e.DecodeError, &e.PayloadRaw, &e.KeyRaw, &e.Internal); err != nil {
		return e, err
	}
	e.Time, e.KafkaTime, e.IngestedAt = fromNanos(t), fromNanos(kt), fromNanos(it)
	hs, err := decodeHeaders(headers)
	if err != nil {
		return e, fmt.Errorf("headers of %s: %w", e.Coordinates(), err)
	}
	e.Headers = hs
	return e, nil
}

// Resolve finds the flow a token names: a flow ID, else an event ID (the
// first record in Flow order), else a Kafka key (the newest event).
func (s *Store) Resolve(ctx context.Context, token string) (store.Resolution, error) {
	var flowID string
	err := s.r.QueryRowContext(ctx, `SELECT flow_id FROM flows WHERE flow_id = ?`, token).Scan(&flowID)
	if err == nil {
		return store.Resolution{FlowID: flowID, Match: store.MatchFlow}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, err)
	}
	err = s.r.QueryRowContext(ctx, `SELECT flow_id FROM events WHERE id_key = ? AND event_id = ?`+flowOrder+` LIMIT 1`,
		idKey(token), token).Scan(&flowID)
	if err == nil {
		return store.Resolution{FlowID: flowID, Match: store.MatchEvent, EventID: token}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, err)
	}
	// The key index leaves out records keyed by their own flow's ID (see
	// migration 0007): here the token names no listed flow, so those can
	// only be records of a flow of internal records, looked up by flow.
	err = s.r.QueryRowContext(ctx, `SELECT flow_id FROM (
		SELECT flow_id, time, topic, part, kafka_offset FROM events WHERE msg_key = ?1 AND msg_key <> '' AND msg_key <> flow_id
		UNION ALL
		SELECT flow_id, time, topic, part, kafka_offset FROM events WHERE flow_seq = (SELECT seq FROM flow_seqs WHERE flow_id = ?1)
			AND msg_key = ?1 AND msg_key <> ''
	) ORDER BY time DESC, topic DESC, part DESC, kafka_offset DESC LIMIT 1`, token).Scan(&flowID)
	switch {
	case err == nil:
		return store.Resolution{FlowID: flowID, Match: store.MatchKey}, nil
	case errors.Is(err, sql.ErrNoRows):
		return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, store.ErrNotFound)
	}
	return store.Resolution{}, fmt.Errorf("resolve %q: %w", token, err)
}

// Stats returns the event count per topic (kept by Write) and the number
// of flows, from one snapshot.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	st, err := s.stats(ctx)
	if err != nil {
		return store.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

func (s *Store) stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{Topics: []store.TopicCount{}}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return st, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	rows, err := tx.QueryContext(ctx, `SELECT topic, events, internal FROM topics ORDER BY topic`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var tc store.TopicCount
		var internal bool
		if err := rows.Scan(&tc.Topic, &tc.Events, &internal); err != nil {
			return st, err
		}
		if internal {
			st.Internal = append(st.Internal, tc)
			continue
		}
		st.Events += tc.Events
		st.Topics = append(st.Topics, tc)
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM flows`).Scan(&st.Flows)
	return st, err
}
