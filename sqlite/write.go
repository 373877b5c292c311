package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/eventscope/eventscope/event"
)

const insertEvent = `INSERT OR IGNORE INTO events (
	flow_id, event_id, id_source, correlation_id, causation_id, type, version, source, time,
	topic, part, kafka_offset, msg_key, kafka_time, ingested_at, headers, payload, payload_size,
	truncated, content_type, convention, decode_error, payload_raw, key_raw, internal
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// The bookkeeping queries behind the summary anomalies (see flowSum.add).
const (
	// Other records of an event ID in a flow: how many, earliest time.
	qSameID = `SELECT count(*), min(time) FROM events WHERE event_id = ? AND flow_id = ? AND id <> ?`
	// Effects of an event ID in a flow (other than the new record): how
	// many, how many before t, how many in [t, u).
	qEffects = `SELECT count(*), coalesce(sum(time < ?), 0), coalesce(sum(time >= ? AND time < ?), 0)
		FROM events WHERE causation_id = ? AND causation_id <> '' AND flow_id = ? AND id <> ?`
	qFlow = `SELECT first_time, last_time, event_count, services, types, topics, duplicates, orphans, out_of_order, dead_letters
		FROM flows WHERE flow_id = ?`
	upsertFlow = `INSERT INTO flows (flow_id, first_time, last_time, event_count, services, types, topics, duplicates, orphans, out_of_order, dead_letters)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (flow_id) DO UPDATE SET first_time = excluded.first_time, last_time = excluded.last_time,
		event_count = excluded.event_count, services = excluded.services, types = excluded.types, topics = excluded.topics,
		duplicates = excluded.duplicates, orphans = excluded.orphans, out_of_order = excluded.out_of_order,
		dead_letters = excluded.dead_letters`
	upsertTopic = `INSERT INTO topics (topic, events) VALUES (?, ?)
		ON CONFLICT (topic) DO UPDATE SET events = events + excluded.events`
)

// Write stores events in one transaction, with the flows summaries and
// topic counts they change, and returns once it is committed (and, with
// synchronous=FULL, on disk). Records already stored are skipped.
func (s *Store) Write(ctx context.Context, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	if err := s.write(ctx, events); err != nil {
		return fmt.Errorf("write %d events: %w", len(events), err)
	}
	return nil
}

type writeTx struct {
	tx                        *sql.Tx
	ins, sameID, effects, flw *sql.Stmt
	flows                     map[string]*flowSum
	ids                       map[[2]string]idState // (flow ID, event ID)
	topics                    map[string]int64
}

func (s *Store) write(ctx context.Context, events []event.Event) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	w := &writeTx{tx: tx, flows: map[string]*flowSum{}, ids: map[[2]string]idState{}, topics: map[string]int64{}}
	for q, st := range map[string]**sql.Stmt{insertEvent: &w.ins, qSameID: &w.sameID, qEffects: &w.effects, qFlow: &w.flw} {
		if *st, err = tx.PrepareContext(ctx, q); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	}
	// Statements inside the transaction run without ctx's cancellation
	// (the driver would start a watcher goroutine per statement); ctx is
	// checked before each event instead, and governs BEGIN and COMMIT.
	stmtCtx := context.WithoutCancel(ctx)
	for i := range events {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.add(stmtCtx, &events[i]); err != nil {
			return err
		}
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	return tx.Commit()
}

// add inserts one record and, if it is new, updates its flow's summary.
func (w *writeTx) add(ctx context.Context, e *event.Event) error {
	flowID := e.FlowID()
	t := nanos(e.Time)
	res, err := w.ins.ExecContext(ctx, flowID, e.EventID, e.IDSource, e.CorrelationID, e.CausationID,
		e.Type, e.Version, e.Source, t, e.Topic, e.Partition, e.Offset, e.Key, nanos(e.KafkaTime),
		nanos(e.IngestedAt), encodeHeaders(e.Headers), orEmpty(e.Payload), e.PayloadSize, e.Truncated,
		e.ContentType, e.Convention, e.DecodeError, e.PayloadRaw, e.KeyRaw, e.Internal)
	if err != nil {
		return fmt.Errorf("insert %s: %w", e.Coordinates(), err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // already stored: nothing changes
	}
	if e.Internal {
		return nil // stored, but no part of a flow summary or the counts
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	w.topics[e.Topic]++
	f, err := w.flow(ctx, flowID)
	if err != nil {
		return err
	}
	f.count++
	f.first, f.last = min(f.first, t), max(f.last, t)
	f.services = addSorted(f.services, e.Source)
	f.types = addSorted(f.types, e.Type)
	f.topics = addSorted(f.topics, e.Topic)
	if event.IsDeadLetterTopic(e.Topic) {
		f.deadLetters++
	}
	return w.anomalies(ctx, f, flowID, id, e, t)
}

// idState is what the transaction knows of one event ID in one flow: how
// many records it has and the earliest one's time.
type idState struct {
	n, min int64
}

// id returns the records of event ID eventID in flowID other than the row
// skip, from the batch's cache or the database.
func (w *writeTx) id(ctx context.Context, flowID, eventID string, skip int64) (idState, error) {
	key := [2]string{flowID, eventID}
	if st, ok := w.ids[key]; ok {
		return st, nil
	}
	var st idState
	var m sql.NullInt64
	if err := w.sameID.QueryRowContext(ctx, eventID, flowID, skip).Scan(&st.n, &m); err != nil {
		return st, fmt.Errorf("look up event ID: %w", err)
	}
	st.min = m.Int64
	w.ids[key] = st
	return st, nil
}

// anomalies updates the duplicate, orphan and out-of-order counters of f
// for the new record (row id, time t) so that they count what
// store.FlowAnomalies would find, whatever order records arrive in:
//   - orphans: records whose cause has no record in the flow;
//   - outOfOrder: records timed before the earliest record of their cause.
func (w *writeTx) anomalies(ctx context.Context, f *flowSum, flowID string, id int64, e *event.Event, t int64) error {
	old, err := w.id(ctx, flowID, e.EventID, id)
	if err != nil {
		return err
	}
	now := idState{n: old.n + 1, min: t}
	if old.n > 0 {
		f.duplicates++
		now.min = min(old.min, t)
	}
	w.ids[[2]string{flowID, e.EventID}] = now
	// As a cause: the earliest time of this event ID may have moved. A
	// new event ID's effects were all orphans: none when f has none.
	if old.n == 0 && f.orphans > 0 || old.n > 0 && t < old.min {
		upper := old.min // effects in [t, old.min) stop being out of order
		if old.n == 0 {
			upper = t
		}
		var n, before, between int64
		if err := w.effects.QueryRowContext(ctx, t, t, upper, e.EventID, flowID, id).Scan(&n, &before, &between); err != nil {
			return fmt.Errorf("look up effects: %w", err)
		}
		if old.n == 0 {
			f.orphans -= n
			f.outOfOrder += before
		} else {
			f.outOfOrder -= between
		}
	}
	// As an effect.
	if e.CausationID == "" || e.CausationID == e.EventID {
		return nil // a root, or its own cause (never before itself)
	}
	cause, err := w.id(ctx, flowID, e.CausationID, 0) // row IDs start at 1
	if err != nil {
		return err
	}
	switch {
	case cause.n == 0:
		f.orphans++
	case t < cause.min:
		f.outOfOrder++
	}
	return nil
}

func orEmpty(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// addSorted inserts v into the sorted set list; empty values are not kept.
func addSorted(list []string, v string) []string {
	if v == "" {
		return list
	}
	i, found := slices.BinarySearch(list, v)
	if found {
		return list
	}
	return slices.Insert(list, i, v)
}
