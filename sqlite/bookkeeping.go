package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/eventscope/eventscope/event"
)

// account updates the flows summaries and topic counts for the records a
// write stored (fresh, in write order). Everything it needs from the
// database is read in bulk first (the flows, the event IDs and causes the
// records name, the flows' unresolved orphans); the records are then
// accounted one by one in memory, and the changes written in bulk.
func (w *writeTx) account(ctx context.Context, fresh []*event.Event) error {
	if len(fresh) == 0 {
		return nil
	}
	if err := w.loadFlows(ctx, fresh); err != nil {
		return err
	}
	if err := w.loadIDs(ctx, fresh); err != nil {
		return err
	}
	if err := w.loadOrphans(ctx); err != nil {
		return err
	}
	for _, e := range fresh {
		if err := w.add(ctx, e); err != nil {
			return err
		}
	}
	return w.flush(ctx)
}

// add accounts one new record in its flow's summary.
func (w *writeTx) add(ctx context.Context, e *event.Event) error {
	flowID := e.FlowID()
	t := nanos(e.Time)
	w.topics[e.Topic]++
	f := w.flows[flowID]
	f.count++
	f.first, f.last = min(f.first, t), max(f.last, t)
	f.services = addSorted(f.services, e.Source)
	f.types = addSorted(f.types, e.Type)
	f.topics = addSorted(f.topics, e.Topic)
	if event.IsDeadLetterTopic(e.Topic) {
		f.deadLetters++
	}
	return w.anomalies(ctx, f, flowID, e, t)
}

// idState is what the write knows of one event ID in one flow: how many
// records it has and the earliest one's time.
type idState struct {
	n, min int64
}

// anomalies updates the duplicate, orphan and out-of-order counters of f
// for the new record (time t) so that they count what
// store.FlowAnomalies would find, whatever order records arrive in:
//   - orphans: records whose cause has no record in the flow;
//   - outOfOrder: records timed before the earliest record of their cause.
func (w *writeTx) anomalies(ctx context.Context, f *flowSum, flowID string, e *event.Event, t int64) error {
	key := [2]string{flowID, e.EventID}
	old := w.ids[key]
	now := idState{n: old.n + 1, min: t}
	if old.n > 0 {
		now.min = min(old.min, t)
	}
	tk := [3]string{flowID, e.EventID, e.Topic}
	if w.onTopic[tk] > 0 { // the same ID again on one topic: a duplicate
		f.duplicates++
	}
	w.onTopic[tk]++
	w.ids[key] = now
	// As a cause: the earliest time of this event ID may have moved.
	switch {
	case old.n == 0:
		// Its effects so far were all orphans: they are resolved, and
		// those timed before it are out of order.
		if times, ok := w.orphans[key]; ok {
			f.orphans -= int64(len(times))
			for _, u := range times {
				if u < t {
					f.outOfOrder++
				}
			}
			delete(w.orphans, key)
			w.resolved = append(w.resolved, key)
		}
	case t < old.min:
		// Effects in [t, old.min) stop being out of order.
		n, err := w.effectsBetween(ctx, flowID, e.EventID, t, old.min)
		if err != nil {
			return err
		}
		f.outOfOrder -= n
	}
	// As an effect.
	if e.CausationID == "" || e.CausationID == e.EventID {
		return nil // a root, or its own cause (never before itself)
	}
	ck := [2]string{flowID, e.CausationID}
	w.effects[ck] = append(w.effects[ck], t)
	switch cause := w.ids[ck]; {
	case cause.n == 0:
		f.orphans++
		w.orphans[ck] = append(w.orphans[ck], t)
		w.added = append(w.added, orphanRow{flowID, e.CausationID, t})
	case t < cause.min:
		f.outOfOrder++
	}
	return nil
}

// effectsBetween counts the records of flowID caused by id and timed in
// [from, to): the ones stored before this write (through the flow's index,
// a time range of one flow) and the ones this write accounted so far. It
// runs only when a record arrives earlier than an earlier-stored record
// with its event ID, which is rare.
func (w *writeTx) effectsBetween(ctx context.Context, flowID, id string, from, to int64) (int64, error) {
	var n int64
	err := w.tx.QueryRowContext(ctx, `SELECT count(*) FROM events
		WHERE flow_id = ? AND time >= ? AND time < ? AND causation_id = ? AND id < ? AND internal = 0`,
		flowID, from, to, id, w.base).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("look up effects: %w", err)
	}
	for _, u := range w.effects[[2]string{flowID, id}] {
		if u >= from && u < to {
			n++
		}
	}
	return n, nil
}

// loadIDs reads, for every event ID and cause the records name, how many
// business records (internal ones are no part of a summary) it had in each
// flow before this write and the earliest time, and for the records' own
// event IDs how many per topic.
func (w *writeTx) loadIDs(ctx context.Context, fresh []*event.Event) error {
	want, own := map[string]bool{}, map[string]bool{}
	for _, e := range fresh {
		want[e.EventID], own[e.EventID] = true, true
		if e.CausationID != "" {
			want[e.CausationID] = true
		}
	}
	err := inChunks(ctx, w.tx, `SELECT event_id, flow_id, topic, count(*) FROM events
		WHERE event_id IN (%s) AND id < ? AND internal = 0 GROUP BY event_id, flow_id, topic`, keys(own), []any{w.base},
		func(rows *sql.Rows) error {
			var k [3]string
			var n int64
			if err := rows.Scan(&k[1], &k[0], &k[2], &n); err != nil {
				return fmt.Errorf("look up event IDs by topic: %w", err)
			}
			if _, ok := w.flows[k[0]]; ok {
				w.onTopic[k] = n
			}
			return nil
		})
	if err != nil {
		return err
	}
	return inChunks(ctx, w.tx, `SELECT event_id, flow_id, count(*), min(time) FROM events
		WHERE event_id IN (%s) AND id < ? AND internal = 0 GROUP BY event_id, flow_id`, keys(want), []any{w.base},
		func(rows *sql.Rows) error {
			var id, flow string
			var st idState
			if err := rows.Scan(&id, &flow, &st.n, &st.min); err != nil {
				return fmt.Errorf("look up event IDs: %w", err)
			}
			if _, ok := w.flows[flow]; ok {
				w.ids[[2]string{flow, id}] = st
			}
			return nil
		})
}

// loadOrphans reads the unresolved orphans of the flows that have some.
func (w *writeTx) loadOrphans(ctx context.Context) error {
	var ids []string
	for id, f := range w.flows {
		if f.orphans > 0 {
			ids = append(ids, id)
		}
	}
	return inChunks(ctx, w.tx, `SELECT flow_id, cause_id, time FROM orphans WHERE flow_id IN (%s)`, ids, nil,
		func(rows *sql.Rows) error {
			var r orphanRow
			if err := rows.Scan(&r.flow, &r.cause, &r.time); err != nil {
				return fmt.Errorf("load orphans: %w", err)
			}
			k := [2]string{r.flow, r.cause}
			w.orphans[k] = append(w.orphans[k], r.time)
			return nil
		})
}

// flushOrphans removes the resolved orphans and adds the new ones.
func (w *writeTx) flushOrphans(ctx context.Context) error {
	for _, k := range w.resolved {
		if _, err := w.tx.ExecContext(ctx, `DELETE FROM orphans WHERE flow_id = ? AND cause_id = ?`, k[0], k[1]); err != nil {
			return fmt.Errorf("resolve orphans: %w", err)
		}
	}
	var live []any
	for _, r := range w.added {
		// An orphan resolved later in the same write is not stored.
		if _, ok := w.orphans[[2]string{r.flow, r.cause}]; ok {
			live = append(live, r.flow, r.cause, r.time)
		}
	}
	return insertRows(ctx, w.tx, `INSERT INTO orphans (flow_id, cause_id, time) VALUES `, 3, live)
}

// chunk bounds the parameters of one statement (SQLite allows 32766).
const chunk = 900

// inChunks runs query (its %s the placeholders of a chunk of args, then
// the extra arguments) for chunks of args, calling scan for each row.
func inChunks(ctx context.Context, tx *sql.Tx, query string, args []string, extra []any, scan func(*sql.Rows) error) error {
	for len(args) > 0 {
		n := min(len(args), chunk)
		params := make([]any, 0, n+len(extra))
		for _, a := range args[:n] {
			params = append(params, a)
		}
		params = append(params, extra...)
		args = args[n:]
		rows, err := tx.QueryContext(ctx, fmt.Sprintf(query, placeholders(n)), params...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// insertRows runs head followed by multi-row VALUES for values, width
// columns a row, at most chunk parameters a statement.
func insertRows(ctx context.Context, tx *sql.Tx, head string, width int, values []any, tail ...string) error {
	per := chunk / width * width
	for len(values) > 0 {
		n := min(len(values), per)
		row := "(" + placeholders(width) + ")"
		q := head + strings.Repeat(row+",", n/width-1) + row + strings.Join(tail, "")
		if _, err := tx.ExecContext(ctx, q, values[:n]...); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
}

func placeholders(n int) string {
	return strings.Repeat("?,", n-1) + "?"
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
