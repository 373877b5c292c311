package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

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

// flow returns the summary of flowID as this transaction sees it, loading
// it once per batch.
func (w *writeTx) flow(ctx context.Context, flowID string) (*flowSum, error) {
	if f, ok := w.flows[flowID]; ok {
		return f, nil
	}
	f := &flowSum{first: math.MaxInt64, last: math.MinInt64, services: []string{}, types: []string{}, topics: []string{}}
	var services, types, topics []byte
	err := w.flw.QueryRowContext(ctx, flowID).Scan(&f.first, &f.last, &f.count, &services, &types, &topics,
		&f.duplicates, &f.orphans, &f.outOfOrder, &f.deadLetters)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("load flow %q: %w", flowID, err)
	default:
		if f.services, err = decodeList(services); err != nil {
			return nil, fmt.Errorf("load flow %q services: %w", flowID, err)
		}
		if f.types, err = decodeList(types); err != nil {
			return nil, fmt.Errorf("load flow %q types: %w", flowID, err)
		}
		if f.topics, err = decodeList(topics); err != nil {
			return nil, fmt.Errorf("load flow %q topics: %w", flowID, err)
		}
	}
	w.flows[flowID] = f
	return f, nil
}

// flush writes the changed summaries (every flow loaded got a new record)
// and topic counts.
func (w *writeTx) flush(ctx context.Context) error {
	up, err := w.tx.PrepareContext(ctx, upsertFlow)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	for id, f := range w.flows {
		if _, err := up.ExecContext(ctx, id, f.first, f.last, f.count, encodeList(f.services), encodeList(f.types), encodeList(f.topics),
			f.duplicates, f.orphans, f.outOfOrder, f.deadLetters); err != nil {
			return fmt.Errorf("update flow %q: %w", id, err)
		}
	}
	for topic, n := range w.topics {
		if _, err := w.tx.ExecContext(ctx, upsertTopic, topic, n); err != nil {
			return fmt.Errorf("update topic %q count: %w", topic, err)
		}
	}
	return nil
}

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
