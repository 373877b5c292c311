package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// newestVerdicts is the newest verdict of every flow with a row at or
// after a last time (the one argument), the columns a condition or an
// order may use: flow_id, last, first, k (kinds), b (base), st (stall_ns),
// ty (types), sv (services), tp (topics). The newest row of a flow has
// its highest last time, so the range holds it for every flow whose last
// event is in it. (ClickHouse reads only the columns a query uses.)
const newestVerdicts = `SELECT flow_id, argMax(last_ns, computed_ns) AS last, argMax(first_ns, computed_ns) AS first,
  argMax(kinds, computed_ns) AS k, argMax(base, computed_ns) AS b, argMax(stall_ns, computed_ns) AS st,
  argMax(types, computed_ns) AS ty, argMax(services, computed_ns) AS sv, argMax(topics, computed_ns) AS tp
FROM flow_verdicts WHERE last_ns >= ?`

// verdictRows is every row of flow_verdicts at or after a last time (the
// one argument) with newestVerdicts' column names, for conditions on
// single rows.
const verdictRows = `SELECT flow_id, last_ns AS last, first_ns AS first, kinds AS k, base AS b, stall_ns AS st,
  types AS ty, services AS sv, topics AS tp
  FROM flow_verdicts WHERE last_ns >= ?`

// verdictsWhere selects the newest verdicts at or after lo passing c (a
// condition on newestVerdicts' columns). A flow whose newest row passes c
// has some row in the range that does: when c is not trivial, only the
// flows with such a row are grouped (a rare kind or status reads the
// range's narrow columns once, and groups only its flows).
func verdictsWhere(lo int64, c cond) cond {
	if c.sql == "1" {
		return cond{"SELECT * FROM (" + newestVerdicts + " GROUP BY flow_id)", []any{lo}}
	}
	return cond{"SELECT * FROM (" + newestVerdicts + ` AND flow_id IN (
  SELECT flow_id FROM (` + verdictRows + `) WHERE ` + c.sql + `)
GROUP BY flow_id) WHERE ` + c.sql, append(append([]any{lo, lo}, c.args...), c.args...)}
}

// diagCond is the condition of a status: or anomaly: term on a newest
// verdict (newestVerdicts' columns) at time now, as diagnose.Summary's
// Status and KindList decide, or of a type:, source: or topic: term (on
// the verdict's sets, as on flow_summary's).
func diagCond(t store.Term, now time.Time) cond {
	ns := now.UnixNano()
	var c cond
	switch t.Field {
	case store.FieldStatus:
		st := statusAt(ns)
		c = cond{st.sql + " = ?", append(st.args, t.Value)}
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
	case store.FieldType:
		c = arrayMatch("ty", t)
	case store.FieldSource:
		c = arrayMatch("sv", t)
	case store.FieldTopic:
		c = arrayMatch("tp", t)
	default:
		c = cond{sql: "1"}
	}
	return negate(c, t.Negate)
}

// statusAt is a newest verdict's status at ns (on newestVerdicts'
// columns), as diagnose.Summary.Status decides it.
func statusAt(ns int64) cond {
	return cond{"multiIf(b = ? OR b = ? OR st = 0, b, st < ?, ?, ?)", []any{diagnose.StatusFailed,
		diagnose.StatusCompensated, ns, diagnose.StatusStalled, diagnose.StatusInProgress}}
}

// verdictFlows lists the flows matching q, newest first, from the flows'
// verdicts: diag are terms the verdicts decide (diagCond), q's terms
// others. The verdicts of this process's writes are
// computed first (settle). Windows of flow_verdicts by last time, sized
// for about 4n flows and growing verdictGrowth-fold, are read newest first (a
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
	count := slices.ContainsFunc(diag, func(t store.Term) bool { // values are common: windows find them sooner
		return t.Field == store.FieldStatus || t.Field == store.FieldAnomaly
	})
	dc := and(dcs)
	pi, err := s.tableParts(ctx, "flow_verdicts")
	if err != nil || pi.rows == 0 {
		return []store.FlowSummary{}, err
	}
	plain := len(q.Terms) == 0 && q.To.IsZero()
	rows := pi.rows
	if count && dc.sql != "1" { // how many rows may match: none, or the first window's size
		if rows, err = s.countVerdictRows(ctx, fromNanos(q.From), and([]cond{dc, cursorCond(cur)})); err != nil || rows == 0 {
			return []store.FlowSummary{}, err
		}
	}
	top, w := verdictWindow(pi, rows, n)
	if cur != nil && !cur.LastTime.IsZero() {
		top = min(top, cur.LastTime.UnixNano()+1)
	}
	var out []store.FlowSummary
	c := cur
	for {
		lo, done := windowFloor(pi, top, w, fromNanos(q.From))
		if !plain {
			vw := verdictsWhere(lo, dc)
			sums, err := s.searchFlowsIn(ctx, q, cur, n, cond{"flow_id IN (SELECT flow_id FROM (" + vw.sql + "))", vw.args})
			if err != nil {
				return nil, err
			}
			if out = keepDiagnosed(sums, diag); len(out) >= n || done || cut(ctx) {
				return out, nil
			}
			w *= verdictGrowth
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
			w *= verdictGrowth
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

// countVerdictRows counts the rows of flow_verdicts at or after lo that
// pass c (on newestVerdicts' columns, row by row): none means no flow
// passes; otherwise it sizes the first window (one narrow scan of the
// range instead of windows that find nothing).
func (s *Store) countVerdictRows(ctx context.Context, lo int64, c cond) (uint64, error) {
	var n uint64
	err := s.conn.QueryRow(ctx, "SELECT count() FROM ("+verdictRows+") WHERE "+c.sql, append([]any{lo}, c.args...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count flow verdicts: %w", err)
	}
	return n, nil
}

// byLast is the Flows order of newestVerdicts' rows.
const byLast = "last DESC, flow_id DESC"

// readVerdicts reads the newest verdicts of the flows with a row at or
// after lo that pass c, in order (SQL on newestVerdicts' columns), at
// most n: first which flows (narrow columns), then their whole rows.
func (s *Store) readVerdicts(ctx context.Context, lo int64, c cond, order string, n int) ([]verdict, error) {
	vw := verdictsWhere(lo, c)
	rows, err := s.conn.Query(ctx, "SELECT flow_id, last FROM ("+vw.sql+")\nORDER BY "+order+"\nLIMIT ?", append(vw.args, n)...)
	if err != nil {
		return nil, fmt.Errorf("read flow verdicts: %w", err)
	}
	defer rows.Close()
	var keys []verdictKey
	for rows.Next() {
		var k verdictKey
		if err := rows.Scan(&k.flow, &k.last); err != nil {
			return nil, fmt.Errorf("read flow verdicts: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read flow verdicts: %w", err)
	}
	return s.verdictsAt(ctx, keys)
}

// verdictKey is the primary key of a flow's newest verdict.
type verdictKey struct {
	flow string
	last int64
}

// verdictsAt reads the whole newest verdicts of keys (one query by
// primary key), in the order of keys.
func (s *Store) verdictsAt(ctx context.Context, keys []verdictKey) ([]verdict, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ids, lasts := make([]any, len(keys)), make([]any, len(keys))
	for i, k := range keys {
		ids[i], lasts[i] = k.flow, k.last
	}
	full, err := s.conn.Query(ctx, `SELECT flow_id, last_ns, argMax(first_ns, computed_ns), argMax(records, computed_ns),
  argMax(services, computed_ns), argMax(types, computed_ns), argMax(kinds, computed_ns), argMax(base, computed_ns),
  argMax(reason, computed_ns), argMax(failed_type, computed_ns), argMax(stall_ns, computed_ns)
FROM flow_verdicts WHERE last_ns IN ? AND flow_id IN ?
GROUP BY flow_id, last_ns`, ch.GroupSet{Value: lasts}, ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read flow verdicts: %w", err)
	}
	defer full.Close()
	got := map[verdictKey]verdict{}
	for full.Next() {
		var v verdict
		var kinds []string
		var base, reason, failed string
		var stall int64
		if err := full.Scan(&v.flow, &v.last, &v.first, &v.records, &v.services, &v.types, &kinds, &base, &reason,
			&failed, &stall); err != nil {
			return nil, fmt.Errorf("read flow verdicts: %w", err)
		}
		v.sum = summaryOf(kinds, base, reason, failed, stall)
		got[verdictKey{v.flow, v.last}] = v
	}
	if err := full.Err(); err != nil {
		return nil, fmt.Errorf("read flow verdicts: %w", err)
	}
	out := make([]verdict, 0, len(keys))
	for _, k := range keys {
		if v, ok := got[k]; ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// verdictGrowth is how much each window of verdictFlows is wider than the
// one before: a condition few flows meet reaches the whole range in a few
// queries (each one reads the window again), and the first window answers
// one most flows meet.
const verdictGrowth = 16
