package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// flowSum is a row of the flows table while a write changes it.
type flowSum struct {
	seq                int64 // the flow's number (flowseq.go)
	first, last, count int64
	services, types    []string
	topics             []string
	diag               diagnose.Summary
}

// loadFlows sets the summaries of the flows of fresh: from the flow
// cache, else read from the flows table; a flow not stored yet starts
// empty. It returns the cached flows' entries and the flows read.
func (w *writeTx) loadFlows(ctx context.Context, fresh []*event.Event) (cached map[string]*cachedFlow, stored map[string]bool, err error) {
	want := map[string]bool{}
	defer func() {
		for id, f := range w.flows {
			f.seq = w.seqs[id]
		}
	}()
	cached, stored = map[string]*cachedFlow{}, map[string]bool{}
	for _, e := range fresh {
		id := e.FlowID()
		if _, seen := w.flows[id]; seen {
			continue
		}
		if sum, cf := w.cache.get(id); cf != nil {
			w.flows[id], cached[id] = sum, cf
			continue
		}
		want[id] = true
		w.flows[id] = &flowSum{first: math.MaxInt64, last: math.MinInt64, services: []string{}, types: []string{}, topics: []string{}}
	}
	err = inChunks(ctx, w.tx, `SELECT flow_id, first_time, last_time, event_count, services, types, topics
		FROM flows WHERE flow_id IN (%s)`, keys(want),
		func(rows *sql.Rows) error {
			var id string
			var services, types, topics []byte
			f := &flowSum{}
			if err := rows.Scan(&id, &f.first, &f.last, &f.count, &services, &types, &topics); err != nil {
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
			w.flows[id], stored[id] = f, true
			return nil
		})
	return cached, stored, err
}

// flush writes the changed summaries (every flow loaded got a new record),
// with their diagnosis, and the topic counts, with multi-row statements.
// The old anomaly counters (duplicates, orphans, out_of_order,
// dead_letters) are filled from the diagnosis.
func (w *writeTx) flush(ctx context.Context) error {
	rows := make([]any, 0, len(w.flows)*17)
	for id, f := range w.flows {
		d := &f.diag
		rows = append(rows, id, f.seq, f.first, f.last, f.count, encodeList(f.services), encodeList(f.types), encodeList(f.topics),
			d.Kinds[diagnose.Duplicate], d.Kinds[diagnose.Orphan], d.Kinds[diagnose.OutOfOrder], d.Kinds[diagnose.DeadLetter],
			kindMask(*d), d.Base, d.Reason, d.FailedType, stallNanos(d.StallAt))
	}
	if err := insertRows(ctx, w.tx, `INSERT INTO flows (flow_id, seq, first_time, last_time, event_count, services, types,
		topics, duplicates, orphans, out_of_order, dead_letters, kinds, status, reason, failed_type, stall_at) VALUES `,
		17, rows, upsertFlow); err != nil {
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
	return nil
}

// upsertFlow ends the multi-row INSERT of flush: a stored flow takes the
// new summary.
const upsertFlow = ` ON CONFLICT (flow_id) DO UPDATE SET first_time = excluded.first_time, last_time = excluded.last_time,
	event_count = excluded.event_count, services = excluded.services, types = excluded.types, topics = excluded.topics,
	duplicates = excluded.duplicates, orphans = excluded.orphans, out_of_order = excluded.out_of_order,
	dead_letters = excluded.dead_letters, kinds = excluded.kinds, status = excluded.status, reason = excluded.reason,
	failed_type = excluded.failed_type, stall_at = excluded.stall_at`

// kindBits are the bits of flows.kinds (fixed: they are stored). stalled
// has none: it is decided at read time from stall_at.
var kindBits = map[string]int64{
	diagnose.Orphan: 1, diagnose.Duplicate: 2, diagnose.OutOfOrder: 4, diagnose.Cycle: 8,
	diagnose.DeadLetter: 16, diagnose.Failure: 32, diagnose.SlowHop: 64,
}

func kindMask(d diagnose.Summary) int64 {
	var m int64
	for k, n := range d.Kinds {
		if n > 0 {
			m |= kindBits[k]
		}
	}
	return m
}

func stallNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// summaryColumns are the flows columns scanSummary reads, for a query on
// flows f.
const summaryColumns = `f.flow_id, f.first_time, f.last_time, f.event_count, f.services, f.types,
	f.kinds, f.status, f.reason, f.failed_type, f.stall_at`

// scanSummary reads a row of summaryColumns as the flow's summary at now.
func scanSummary(rows *sql.Rows, now time.Time) (store.FlowSummary, error) {
	var sum store.FlowSummary
	var first, last, count, kinds, stall int64
	var services, types []byte
	var d diagnose.Summary
	if err := rows.Scan(&sum.CorrelationID, &first, &last, &count, &services, &types,
		&kinds, &d.Base, &d.Reason, &d.FailedType, &stall); err != nil {
		return sum, err
	}
	sum.FirstTime, sum.LastTime, sum.EventCount = fromNanos(first), fromNanos(last), int(count)
	d.Kinds = map[string]int{}
	for k, b := range kindBits {
		if kinds&b != 0 {
			d.Kinds[k] = 1
		}
	}
	if stall != 0 {
		d.StallAt = time.Unix(0, stall).UTC()
	}
	sum.SetDiagnosis(d, now)
	var err error
	if sum.Services, err = decodeList(services); err != nil {
		return sum, fmt.Errorf("flow %q services: %w", sum.CorrelationID, err)
	}
	if sum.Types, err = decodeList(types); err != nil {
		return sum, fmt.Errorf("flow %q types: %w", sum.CorrelationID, err)
	}
	return sum, nil
}

// SetDiagnosis sets the diagnose configuration records are classified and
// flows summarised with (see store.Diagnosing). Call it before the first
// Write; records already stored keep their classification.
func (s *Store) SetDiagnosis(cfg diagnose.Config) { s.diag.Set(cfg) }

// anomalyTerm is the condition on flows f of an anomaly term: a kind bit,
// or for stalled a stall deadline before now.
func anomalyTerm(tm store.Term, now time.Time) (string, []any) {
	var cs []string
	var args []any
	for _, kind := range store.AnomalyKinds {
		if kind != tm.Value && !(tm.Prefix && strings.HasPrefix(kind, tm.Value)) {
			continue
		}
		if kind == diagnose.Stalled {
			cs, args = append(cs, "(f.stall_at <> 0 AND f.stall_at < ?)"), append(args, now.UnixNano())
		} else {
			cs = append(cs, fmt.Sprintf("(f.kinds & %d) <> 0", kindBits[kind]))
		}
	}
	if len(cs) == 0 {
		return "0", nil
	}
	return "(" + strings.Join(cs, " OR ") + ")", args
}

// statusTerm is the condition on flows f of status:value at now, as
// diagnose.Summary.Status decides it from the stored columns.
func statusTerm(value string, now time.Time) (string, []any) {
	const final = "f.status IN ('" + diagnose.StatusFailed + "', '" + diagnose.StatusCompensated + "')"
	switch value {
	case diagnose.StatusFailed, diagnose.StatusCompensated:
		return "f.status = ?", []any{value}
	case diagnose.StatusStalled:
		return "(NOT " + final + " AND f.stall_at <> 0 AND f.stall_at < ?)", []any{now.UnixNano()}
	case diagnose.StatusInProgress:
		return "(NOT " + final + " AND f.stall_at >= ?)", []any{now.UnixNano()}
	case diagnose.StatusRecovered, diagnose.StatusOK:
		return "(f.status = ? AND f.stall_at = 0)", []any{value}
	}
	return "0", nil
}
