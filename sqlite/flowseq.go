package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/eventscope/eventscope/event"
)

// Flow numbers (migrations/0019_flow_seq.sql): each flow, internal ones
// included, gets the next number when its first record is stored, and the
// per-flow indexes (events_flow, events_time) key on it instead of the
// flow's ID, so that a batch's inserts land in the pages of the flows
// in progress rather than at random places.

// assignSeqs sets w.seqs for the flows of events: from the flow cache,
// else from flow_seqs, else a new number (stored in flow_seqs).
func (w *writeTx) assignSeqs(ctx context.Context, events []event.Event) error {
	var want []any
	asked := map[string]bool{}
	for i := range events {
		id := events[i].FlowID()
		if _, ok := w.seqs[id]; ok || asked[id] {
			continue
		}
		if seq, ok := w.cache.seq(id); ok {
			w.seqs[id] = seq
			continue
		}
		asked[id] = true
		want = append(want, id)
	}
	if len(want) == 0 {
		return nil
	}
	err := inChunks(ctx, w.tx, `SELECT seq, flow_id FROM flow_seqs WHERE flow_id IN (%s)`, want, func(rows *sql.Rows) error {
		var seq int64
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return fmt.Errorf("flow numbers: %w", err)
		}
		w.seqs[id] = seq
		return nil
	})
	if err != nil {
		return err
	}
	var next int64
	if err := w.tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM flow_seqs`).Scan(&next); err != nil {
		return fmt.Errorf("last flow number: %w", err)
	}
	var rows []any
	for _, id := range want {
		if _, ok := w.seqs[id.(string)]; !ok {
			next++
			w.seqs[id.(string)] = next
			rows = append(rows, next, id)
		}
	}
	if err := insertRows(ctx, w.tx, `INSERT INTO flow_seqs (seq, flow_id) VALUES `, 2, rows); err != nil {
		return fmt.Errorf("number new flows: %w", err)
	}
	return nil
}
