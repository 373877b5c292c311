package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// flowSum is a row of the flows table while a write changes it.
type flowSum struct {
	first, last, count  int64
	services, types     []string
	topics              []string
	duplicates, orphans int64
	outOfOrder          int64
	deadLetters         int64
}

// loadFlows reads the summaries of the flows of fresh; a flow not stored
// yet starts empty.
func (w *writeTx) loadFlows(ctx context.Context, fresh []*event.Event) error {
	want := map[string]bool{}
	for _, e := range fresh {
		id := e.FlowID()
		if !want[id] {
			want[id] = true
			w.flows[id] = &flowSum{first: math.MaxInt64, last: math.MinInt64, services: []string{}, types: []string{}, topics: []string{}}
		}
	}
	return inChunks(ctx, w.tx, `SELECT flow_id, first_time, last_time, event_count, services, types, topics,
		duplicates, orphans, out_of_order, dead_letters FROM flows WHERE flow_id IN (%s)`, keys(want), nil,
		func(rows *sql.Rows) error {
			var id string
			var services, types, topics []byte
			f := &flowSum{}
			if err := rows.Scan(&id, &f.first, &f.last, &f.count, &services, &types, &topics,
				&f.duplicates, &f.orphans, &f.outOfOrder, &f.deadLetters); err != nil {
				return fmt.Errorf("load flows: %w", err)
			}
			var err error
			if f.services, err = decodeList(services); err != nil {
				return fmt.Errorf("load flow %q services: %w", id, err)
			}
			if f.types, err = decodeList(types); err != nil {
				return fmt.Errorf("load flow %q types: %w", id, err)
			}
			if f.topics, err = decodeList(topics); err != nil {
				return fmt.Errorf("load flow %q topics: %w", id, err)
			}
			w.flows[id] = f
			return nil
		})
}

// flush writes the changed summaries (every flow loaded got a new record),
// topic counts and orphans, with multi-row statements.
func (w *writeTx) flush(ctx context.Context) error {
	rows := make([]any, 0, len(w.flows)*11)
	for id, f := range w.flows {
		rows = append(rows, id, f.first, f.last, f.count, encodeList(f.services), encodeList(f.types), encodeList(f.topics),
			f.duplicates, f.orphans, f.outOfOrder, f.deadLetters)
	}
	if err := insertRows(ctx, w.tx, `INSERT INTO flows (flow_id, first_time, last_time, event_count, services, types,
		topics, duplicates, orphans, out_of_order, dead_letters) VALUES `, 11, rows, upsertFlow); err != nil {
		return fmt.Errorf("update flows: %w", err)
	}
	rows = rows[:0]
	for topic, n := range w.topics {
		rows = append(rows, topic, n)
	}
	if err := insertRows(ctx, w.tx, `INSERT INTO topics (topic, events) VALUES `, 2, rows,
		` ON CONFLICT (topic) DO UPDATE SET events = events + excluded.events`); err != nil {
		return fmt.Errorf("update topic counts: %w", err)
	}
	return w.flushOrphans(ctx)
}

// upsertFlow ends the multi-row INSERT of flush: a stored flow takes the
// new summary.
const upsertFlow = ` ON CONFLICT (flow_id) DO UPDATE SET first_time = excluded.first_time, last_time = excluded.last_time,
	event_count = excluded.event_count, services = excluded.services, types = excluded.types, topics = excluded.topics,
	duplicates = excluded.duplicates, orphans = excluded.orphans, out_of_order = excluded.out_of_order,
	dead_letters = excluded.dead_letters`

// anomalies returns the kinds the counters show, sorted.
func (f *flowSum) anomalies() []string {
	out := []string{}
	for _, k := range []struct {
		n    int64
		kind string
	}{
		{f.deadLetters, store.AnomalyDeadLetter}, {f.duplicates, store.AnomalyDuplicate},
		{f.orphans, store.AnomalyOrphan}, {f.outOfOrder, store.AnomalyOutOfOrder},
	} {
		if k.n > 0 {
			out = append(out, k.kind)
		}
	}
	return out
}

// anomalyColumn maps anomaly kinds to their counter in the flows table.
var anomalyColumn = map[string]string{
	store.AnomalyDeadLetter: "f.dead_letters",
	store.AnomalyDuplicate:  "f.duplicates",
	store.AnomalyOrphan:     "f.orphans",
	store.AnomalyOutOfOrder: "f.out_of_order",
}
