package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// newestVerdicts is the newest verdict of every flow with a row at or
// after a last time (the one argument): the newest row of a flow has its
// highest last time, so the range holds it for every flow whose last event
// is in it. Columns: flow_id, last, first, n, svcs, typs, k (kinds), b
// (base), r (reason), ft (failed type), st (stall_ns).
const newestVerdicts = `SELECT flow_id, argMax(last_ns, computed_ns) AS last, argMax(first_ns, computed_ns) AS first,
  argMax(records, computed_ns) AS n, argMax(services, computed_ns) AS svcs, argMax(types, computed_ns) AS typs,
  argMax(kinds, computed_ns) AS k, argMax(base, computed_ns) AS b, argMax(reason, computed_ns) AS r,
  argMax(failed_type, computed_ns) AS ft, argMax(stall_ns, computed_ns) AS st
FROM flow_verdicts WHERE last_ns >= ? GROUP BY flow_id`

// diagCond is the condition of a status: or anomaly: term on a newest
// verdict (newestVerdicts' columns) at time now, as diagnose.Summary's
// Status and KindList decide.
func diagCond(t store.Term, now time.Time) cond {
	ns := now.UnixNano()
	var c cond
	switch t.Field {
	case store.FieldStatus:
		c = cond{"multiIf(b = ? OR b = ? OR st = 0, b, st < ?, ?, ?) = ?", []any{diagnose.StatusFailed,
			diagnose.StatusCompensated, ns, diagnose.StatusStalled, diagnose.StatusInProgress, t.Value}}
	case store.FieldAnomaly:
		var cs []cond
		for _, k := range anomalyKinds(t) {
			if k == diagnose.Stalled {
				cs = append(cs, cond{"st != 0 AND st < ?", []any{ns}})
			} else {
				cs = append(cs, cond{"has(k, ?)", []any{k}})
			}
		}
		c = or(cs)
	default:
		c = cond{sql: "1"}
	}
	return negate(c, t.Negate)
}

// verdictFlows lists the flows matching q, newest first, from the flows'
// verdicts: q's terms are status: and anomaly: terms (diag) and, when
// rest is true, others. The verdicts of this process's writes are
// computed first (settle). Windows of flow_verdicts by last time, sized
// for about 4n flows and growing fourfold, are read newest first (a
// contiguous range of the table), until one holds n matches or the whole
// table was read. Without other terms the summaries come from the
// verdicts alone; with them, the window's matching flows narrow the search
// (searchFlowsIn), whose summaries are checked against diag again.
func (s *Store) verdictFlows(ctx context.Context, q store.FlowQuery, diag []store.Term, cur *store.Cursor, n int) ([]store.FlowSummary, error) {
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	now := time.Now()
	var dcs []cond
	for _, t := range diag {
		dcs = append(dcs, diagCond(t, now))
	}
	if !q.From.IsZero() {
		dcs = append(dcs, cond{"last >= ?", []any{fromNanos(q.From)}})
	}
	dc := and(dcs)
	pi, err := s.tableParts(ctx, "flow_verdicts")
	if err != nil || pi.rows == 0 {
		return []store.FlowSummary{}, err
	}
	plain := len(q.Terms) == 0 && q.To.IsZero()
	top := pi.maxT.Add(time.Second).UnixNano()
	if cur != nil && !cur.LastTime.IsZero() {
		top = min(top, cur.LastTime.UnixNano()+1)
	}
	span := float64(pi.maxT.Sub(pi.minT) + time.Second)
	w := time.Duration(min(span, max(float64(time.Second), span*float64(4*n)/float64(pi.rows))))
	var out []store.FlowSummary
	c := cur
	for {
		lo := top - int64(w)
		done := lo <= pi.minT.UnixNano() || w > 50*365*24*time.Hour // w*4 stays in range
		if done {
			lo = zeroNanos
		}
		if !q.From.IsZero() && lo <= q.From.UnixNano() {
			lo, done = q.From.UnixNano(), true
		}
		if !plain {
			sums, err := s.searchFlowsIn(ctx, q, cur, n, cond{"flow_id IN (SELECT flow_id FROM (" + newestVerdicts +
				") WHERE " + dc.sql + ")", append([]any{lo}, dc.args...)})
			if err != nil {
				return nil, err
			}
			if out = keepDiagnosed(sums, diag); len(out) >= n || done {
				return out, nil
			}
			w *= 4
			continue
		}
		want := n - len(out)
		vs, err := s.readVerdicts(ctx, lo, and([]cond{dc, cursorCond(c)}), byLast, want)
		if err != nil {
			return nil, err
		}
		for i := range vs {
			out = append(out, vs[i].summary(now))
		}
		if len(out) >= n || len(vs) < want && done {
			return out, nil
		}
		if len(out) > 0 { // go on after the last one, in this window if it may hold more
			last := out[len(out)-1]
			c = &store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID}
		}
		if len(vs) < want {
			w *= 4
		}
	}
}

// keepDiagnosed keeps the summaries passing every diag term.
func keepDiagnosed(sums []store.FlowSummary, diag []store.Term) []store.FlowSummary {
	out := []store.FlowSummary{}
	for _, f := range sums {
		if matchesDiagnosis(f, diag) {
			out = append(out, f)
		}
	}
	return out
}

// byLast is the Flows order of newestVerdicts' rows.
const byLast = "last DESC, flow_id DESC"

// readVerdicts reads the newest verdicts of the flows with a row at or
// after lo that pass c, in order (SQL on newestVerdicts' columns), at
// most n.
func (s *Store) readVerdicts(ctx context.Context, lo int64, c cond, order string, n int) ([]verdict, error) {
	rows, err := s.conn.Query(ctx, `SELECT flow_id, last, first, n, svcs, typs, k, b, r, ft, st FROM (`+newestVerdicts+`)
WHERE `+c.sql+`
ORDER BY `+order+`
LIMIT ?`, append(append([]any{lo}, c.args...), n)...)
	if err != nil {
		return nil, fmt.Errorf("read flow verdicts: %w", err)
	}
	defer rows.Close()
	var out []verdict
	for rows.Next() {
		var v verdict
		var kinds []string
		var base, reason, failed string
		var stall int64
		if err := rows.Scan(&v.flow, &v.last, &v.first, &v.records, &v.services, &v.types, &kinds, &base, &reason,
			&failed, &stall); err != nil {
			return nil, fmt.Errorf("read flow verdicts: %w", err)
		}
		v.sum = summaryOf(kinds, base, reason, failed, stall)
		out = append(out, v)
	}
	return out, rows.Err()
}
