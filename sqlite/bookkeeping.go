package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// account updates the flows summaries and topic counts for the records a
// write stored (fresh, in write order). What it needs from the database
// is read in bulk, for the flows not in the flow cache: their rows, then,
// for those stored before, the skeletons of their records (this write's
// included). The diagnose
// engine computes each touched flow's diagnosis again on its skeleton;
// the changes are written in bulk.
func (w *writeTx) account(ctx context.Context, fresh []*event.Event) error {
	if len(fresh) == 0 {
		return nil
	}
	cached, stored, err := w.loadFlows(ctx, fresh)
	if err != nil {
		return err
	}
	// The skeleton of a cached flow is the cache's plus the new records;
	// that of a new flow, its new records.
	added := map[string][]diagnose.Step{}
	addedPos := map[string][]stepPos{}
	for i, e := range fresh {
		w.add(e)
		if id := e.FlowID(); cached[id] != nil || !stored[id] && !w.cache.off {
			s, p := w.cache.skeleton(e, w.classes[i])
			added[id], addedPos[id] = append(added[id], s), append(addedPos[id], p)
		}
	}
	for id, steps := range added {
		var cf cachedFlow
		if c := cached[id]; c != nil {
			cf = *c
		}
		shareCauses(cf.steps, steps)
		w.steps[id], w.pos[id] = merge(cf.steps, cf.pos, steps, addedPos[id])
	}
	if err := w.diagnoseFlows(ctx); err != nil {
		return err
	}
	return w.flush(ctx)
}

// add accounts one new record in its flow's summary.
func (w *writeTx) add(e *event.Event) {
	t := nanos(e.Time)
	w.topics[e.Topic]++
	f := w.flows[e.FlowID()]
	f.count++
	f.first, f.last = min(f.first, t), max(f.last, t)
	f.services = addSorted(f.services, e.Source)
	f.types = addSorted(f.types, e.Type)
	f.topics = addSorted(f.topics, e.Topic)
}

// qSkeletons reads what the diagnose engine needs of the records of a
// chunk of flows, in Flow order within each flow.
const qSkeletons = `SELECT flow_seq, event_id, causation_id, correlation_id, type, source, topic, part, kafka_offset,
	time, class, reason FROM events WHERE flow_seq IN (%s) AND internal = 0
	ORDER BY flow_seq, time, topic, part, kafka_offset`

// diagnoseFlows sets the diagnosis of every flow the write touched; the
// skeletons of the flows not in w.steps (not cached) are read first.
func (w *writeTx) diagnoseFlows(ctx context.Context) error {
	var seqs []any
	flowOf := map[int64]string{}
	for id, f := range w.flows {
		if _, ok := w.steps[id]; !ok {
			seqs = append(seqs, f.seq)
			flowOf[f.seq] = id
		}
	}
	err := inChunks(ctx, w.tx, qSkeletons, seqs, func(rows *sql.Rows) error {
		var reason string
		var s diagnose.Step
		var seq, part, off, t int64
		var class uint8
		if err := rows.Scan(&seq, &s.ID, &s.Cause, &s.Flow, &s.Type, &s.Source, &s.Topic, &part, &off, &t, &class, &reason); err != nil {
			return fmt.Errorf("load records: %w", err)
		}
		s.Type, s.Source, s.Topic, s.Flow = w.cache.intern(s.Type), w.cache.intern(s.Source), w.cache.intern(s.Topic), w.cache.intern(s.Flow)
		s.Where = event.Coordinates(s.Topic, int32(part), off)
		s.Time, s.Class = fromNanos(t), diagnose.ClassOf(class, reason)
		flow := flowOf[seq]
		w.steps[flow] = append(w.steps[flow], s)
		w.pos[flow] = append(w.pos[flow], stepPos{int32(part), off})
		return nil
	})
	if err != nil {
		return err
	}
	for _, seq := range seqs {
		shareCauses(nil, w.steps[flowOf[seq.(int64)]])
	}
	for id, f := range w.flows {
		f.diag = w.cfg.Summarize(w.steps[id])
	}
	return nil
}

// chunk bounds the parameters of one statement (SQLite allows 32766).
const chunk = 900

// inChunks runs query (its %s the placeholders of a chunk of args) for
// chunks of args, calling scan for each row.
func inChunks(ctx context.Context, tx *sql.Tx, query string, args []any, scan func(*sql.Rows) error) error {
	for len(args) > 0 {
		n := min(len(args), chunk)
		params := args[:n]
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

func keys(m map[string]bool) []any {
	out := make([]any, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
