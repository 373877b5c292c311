package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

var _ store.Rewriter = (*Store)(nil)

// Undecoded returns up to limit records whose decode note starts with
// note, from the partial index of notes starting "schema "
// (migrations/0017_schema_pending.sql).
func (s *Store) Undecoded(ctx context.Context, note string, limit int) ([]event.Event, error) {
	evs, err := s.events(ctx, `SELECT `+eventColumns+` FROM events
WHERE substr(decode_error, 1, 7) = 'schema ' AND substr(decode_error, 1, ?) = ? LIMIT ?`, len(note), note, limit)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("records with note %q: %w", note, err)
	}
	return evs, nil
}

// WaitingSchemas reads the distinct note prefixes ("schema 7: ") from
// the partial index of notes starting "schema ".
func (s *Store) WaitingSchemas(ctx context.Context) ([]int32, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT substr(decode_error, 1, instr(decode_error, ': ') + 1) FROM events
WHERE substr(decode_error, 1, 7) = 'schema '`)
	if err != nil {
		return nil, fmt.Errorf("schemas records wait for: %w", err)
	}
	return waitingIDs(rows)
}

// waitingIDs reads note prefixes and keeps the IDs of those that wait.
func waitingIDs(rows *sql.Rows) ([]int32, error) {
	defer rows.Close()
	var out []int32
	for rows.Next() {
		var note string
		if err := rows.Scan(&note); err != nil {
			return nil, fmt.Errorf("schemas records wait for: %w", err)
		}
		if id, ok := event.WaitingSchema(note); ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// Rewrite replaces records in one transaction: each record stored at New's
// identity is deleted, the summaries of the flows it left are computed
// again from their remaining records (a flow left empty is deleted), then
// New is written like Write writes.
func (s *Store) Rewrite(ctx context.Context, rs []store.Rewrite) error {
	if len(rs) == 0 {
		return nil
	}
	if err := s.rewrite(ctx, rs); err != nil {
		return fmt.Errorf("rewrite %d events: %w", len(rs), err)
	}
	return nil
}

func (s *Store) rewrite(ctx context.Context, rs []store.Rewrite) error {
	s.wmu.Lock() // before BEGIN, as in write
	defer s.wmu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()                   //nolint:errcheck // no-op after Commit
	stmtCtx := context.WithoutCancel(ctx) // as in write
	if err := s.cache.check(stmtCtx, tx); err != nil {
		return err
	}
	cfg := s.diag.Get()
	gone := s.newWriteTx(tx, cfg)
	news := make([]event.Event, len(rs))
	for i := range rs {
		news[i] = rs[i].New
		if err := gone.remove(stmtCtx, &rs[i].New); err != nil {
			return err
		}
	}
	// The flows records left are read back from now on (the flow cache
	// holds their old records): forgotten before the write below looks,
	// and before recount forgets the flows it leaves empty.
	for id := range gone.flows {
		s.cache.drop(id)
	}
	if err := gone.recount(stmtCtx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.newWriteTx(tx, cfg).commit(ctx, stmtCtx, news)
}

// remove deletes the record stored at e's identity and notes its flow
// and topic count.
func (w *writeTx) remove(ctx context.Context, e *event.Event) error {
	rows, err := w.tx.QueryContext(ctx, `DELETE FROM events WHERE topic = ? AND part = ? AND kafka_offset = ? AND kafka_time = ?
RETURNING flow_id, flow_seq, internal`, e.Topic, e.Partition, e.Offset, nanos(e.KafkaTime))
	if err != nil {
		return fmt.Errorf("delete %s: %w", e.Coordinates(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var flow string
		var seq int64
		var internal bool
		if err := rows.Scan(&flow, &seq, &internal); err != nil {
			return fmt.Errorf("delete %s: %w", e.Coordinates(), err)
		}
		if internal {
			w.internal[e.Topic]--
			continue
		}
		w.topics[e.Topic]--
		w.flows[flow] = &flowSum{seq: seq, first: math.MaxInt64, last: math.MinInt64, services: []string{}, types: []string{}, topics: []string{}}
	}
	return rows.Err()
}

// recount computes the summaries of the flows records left from their
// remaining records, deletes the flows left empty and writes the others
// and the topic counts.
func (w *writeTx) recount(ctx context.Context) error {
	seqs := make([]any, 0, len(w.flows))
	bySeq := map[int64]*flowSum{}
	for _, f := range w.flows {
		seqs = append(seqs, f.seq)
		bySeq[f.seq] = f
	}
	err := inChunks(ctx, w.tx, `SELECT flow_seq, time, source, type, topic FROM events
WHERE flow_seq IN (%s) AND internal = 0`, seqs, func(rows *sql.Rows) error {
		var e event.Event
		var seq, t int64
		if err := rows.Scan(&seq, &t, &e.Source, &e.Type, &e.Topic); err != nil {
			return fmt.Errorf("load records: %w", err)
		}
		f := bySeq[seq]
		f.count++
		f.first, f.last = min(f.first, t), max(f.last, t)
		f.services = addSorted(f.services, e.Source)
		f.types = addSorted(f.types, e.Type)
		f.topics = addSorted(f.topics, e.Topic)
		return nil
	})
	if err != nil {
		return err
	}
	for id, f := range w.flows {
		if f.count > 0 {
			continue
		}
		if _, err := w.tx.ExecContext(ctx, `DELETE FROM flows WHERE flow_id = ?`, id); err != nil {
			return fmt.Errorf("delete flow %q: %w", id, err)
		}
		delete(w.flows, id)
	}
	if err := w.countInternal(ctx); err != nil {
		return err
	}
	if err := w.diagnoseFlows(ctx); err != nil {
		return err
	}
	return w.flush(ctx)
}
