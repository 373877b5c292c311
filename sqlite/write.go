package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

const insertEvent = `INSERT OR IGNORE INTO events (
	flow_id, event_id, id_source, correlation_id, causation_id, type, version, source, time,
	topic, part, kafka_offset, msg_key, kafka_time, ingested_at, headers, payload, payload_size,
	truncated, content_type, convention, decode_error, payload_raw, key_raw, internal, class, reason, flow_seq, id_key
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Write stores events in one transaction, each with its diagnose.Class,
// with the flows summaries (their diagnosis computed again by the engine
// from the flow's records) and topic counts they change, and returns once it is committed (and, with
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

// writeTx is one Write: the transaction and what the bookkeeping knows.
type writeTx struct {
	tx    *sql.Tx
	cfg   *diagnose.Config
	cache *flowCache
	flows map[string]*flowSum
	// seqs: the number of every flow of the write (flowseq.go).
	seqs map[string]int64
	// classes are the classes of the fresh records, in their order.
	classes []diagnose.Class
	// steps and pos: the skeleton of each flow after the write (see
	// flowCache), filled by diagnoseFlows.
	steps map[string][]diagnose.Step
	pos   map[string][]stepPos
	// internal: new records per internal topic (counted apart).
	internal map[string]int64
	topics   map[string]int64
}

// newWriteTx starts the bookkeeping of a write in tx.
func (s *Store) newWriteTx(tx *sql.Tx, cfg *diagnose.Config) *writeTx {
	return &writeTx{tx: tx, cfg: cfg, cache: &s.cache, flows: map[string]*flowSum{}, seqs: map[string]int64{}, topics: map[string]int64{},
		internal: map[string]int64{}, steps: map[string][]diagnose.Step{}, pos: map[string][]stepPos{}}
}

func (s *Store) write(ctx context.Context, events []event.Event) error {
	// Taken before BEGIN: a writer holding the connection never waits
	// for it.
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	w := s.newWriteTx(tx, s.diag.Get())
	// Statements inside the transaction run without ctx's cancellation
	// (the driver would start a watcher goroutine per statement); ctx is
	// checked between steps instead, and governs BEGIN and COMMIT.
	stmtCtx := context.WithoutCancel(ctx)
	if err := w.cache.check(stmtCtx, tx); err != nil {
		return err
	}
	return w.commit(ctx, stmtCtx, events)
}

// commit stores events (their summaries and counts included), commits w's
// transaction and remembers the flows it wrote in the flow cache.
func (w *writeTx) commit(ctx, stmtCtx context.Context, events []event.Event) error {
	if err := w.assignSeqs(stmtCtx, events); err != nil {
		return err
	}
	fresh, err := w.insert(ctx, stmtCtx, events)
	if err != nil {
		return err
	}
	if err := w.countInternal(stmtCtx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.account(stmtCtx, fresh); err != nil {
		return err
	}
	if err := w.tx.Commit(); err != nil {
		return err
	}
	w.remember()
	return nil
}

// remember puts the flows of a committed write in the flow cache.
func (w *writeTx) remember() {
	for id, f := range w.flows {
		w.cache.put(id, f, w.steps[id], w.pos[id])
	}
}

// insert stores the records not stored yet and returns those that count
// in the summaries (the others change nothing).
func (w *writeTx) insert(ctx, stmtCtx context.Context, events []event.Event) ([]*event.Event, error) {
	ins, err := w.tx.PrepareContext(stmtCtx, insertEvent)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	defer ins.Close()
	fresh := make([]*event.Event, 0, len(events))
	classify := w.cfg.Classifier() // a batch has few topics and types
	for i := range events {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		e := &events[i]
		cl := classify.Classify(e)
		res, err := ins.ExecContext(stmtCtx, e.FlowID(), e.EventID, e.IDSource, e.CorrelationID, e.CausationID,
			e.Type, e.Version, e.Source, nanos(e.Time), e.Topic, e.Partition, e.Offset, e.Key, nanos(e.KafkaTime),
			nanos(e.IngestedAt), encodeHeaders(e.Headers), orEmpty(e.Payload), e.PayloadSize, e.Truncated,
			e.ContentType, e.Convention, e.DecodeError, e.PayloadRaw, e.KeyRaw, e.Internal, cl.Bits(), cl.Reason,
			w.seqs[e.FlowID()], idKey(e.EventID))
		if err != nil {
			return nil, fmt.Errorf("insert %s: %w", e.Coordinates(), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		// Internal records are stored, but no part of a flow summary or
		// the counts.
		switch {
		case n > 0 && e.Internal:
			w.internal[e.Topic]++
		case n > 0:
			fresh = append(fresh, e)
			w.classes = append(w.classes, cl)
		}
	}
	return fresh, nil
}

// countInternal adds the new records of internal topics to their counts
// (topics rows flagged internal).
func (w *writeTx) countInternal(ctx context.Context) error {
	for topic, n := range w.internal {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO topics (topic, events, internal) VALUES (?, ?, 1)
			ON CONFLICT (topic) DO UPDATE SET events = events + excluded.events`, topic, n); err != nil {
			return fmt.Errorf("count internal topic %s: %w", topic, err)
		}
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
