package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

var _ store.Overview = (*Store)(nil)

// The dashboard's flow sections, from flow_verdicts: each is one query
// (plus a narrow count) over a window of the verdicts' last-time range,
// newest first, instead of a Flows call per section and anomaly kind.

// StatusCounts counts the statuses of the newest n flows with events at or
// after since: one GROUP BY over a window of flow_verdicts that holds
// them (sized for about 4n flows from the table's density, growing
// verdictGrowth-fold until it holds n or reaches since).
func (s *Store) StatusCounts(ctx context.Context, since time.Time, n int) (store.StatusCounts, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	out := store.StatusCounts{Statuses: map[string]int{}}
	if n <= 0 {
		return out, nil
	}
	if err := s.settle(ctx); err != nil {
		return out, fmt.Errorf("count flow statuses: %w", err)
	}
	pi, err := s.tableParts(ctx, "flow_verdicts")
	if err != nil || pi.rows == 0 {
		return out, err
	}
	st := statusAt(time.Now().UnixNano())
	from := fromNanos(since)
	top, w := verdictWindow(pi, pi.rows, n)
	for ; ; w *= verdictGrowth {
		lo, done := windowFloor(pi, top, w, from)
		args := slices.Concat(st.args, []any{diagnose.StatusFailed, diagnose.StatusCompensated, lo, from, n})
		rows, err := s.conn.Query(ctx, `SELECT status, ft, rs, count() FROM (
  SELECT `+st.sql+` AS status, status IN (?, ?) AS failing, if(failing, f, '') AS ft, if(failing, r, '') AS rs
  FROM (SELECT flow_id, argMax(last_ns, computed_ns) AS last, argMax(base, computed_ns) AS b,
      argMax(stall_ns, computed_ns) AS st, argMax(failed_type, computed_ns) AS f, argMax(reason, computed_ns) AS r
    FROM flow_verdicts WHERE last_ns >= ? GROUP BY flow_id)
  WHERE last >= ?
  ORDER BY last DESC, flow_id DESC LIMIT ?)
GROUP BY status, ft, rs`, args...)
		if err != nil {
			return out, fmt.Errorf("count flow statuses: %w", err)
		}
		got := store.StatusCounts{Statuses: map[string]int{}}
		for rows.Next() {
			var status string
			var fc store.FailureCount
			var c uint64
			if err := rows.Scan(&status, &fc.Type, &fc.Reason, &c); err != nil {
				rows.Close()
				return out, fmt.Errorf("count flow statuses: %w", err)
			}
			got.Flows += int(c)
			got.Statuses[status] += int(c)
			if status == diagnose.StatusFailed || status == diagnose.StatusCompensated {
				fc.Flows = int(c)
				got.Failures = append(got.Failures, fc)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("count flow statuses: %w", err)
		}
		if got.Flows >= n || done {
			store.SortFailureCounts(got.Failures)
			return got, nil
		}
	}
}

// KindFlows lists, per anomaly kind, the newest n flows with events at or
// after since that show it. One narrow count of the kinds' rows in the
// range [since, now] first: kinds no row has are left out, and the count
// sizes each kind's window (about 4n of its rows). Then one query groups
// the newest verdicts of the flows that have a row of some kind in its
// window and keeps n flows per kind (LIMIT n BY kind); a kind left short
// while its window did not reach since goes on with a window
// verdictGrowth times wider. The flows' whole verdicts are then read by
// primary key.
func (s *Store) KindFlows(ctx context.Context, since time.Time, n int) (map[string][]store.FlowSummary, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	out := map[string][]store.FlowSummary{}
	if n <= 0 {
		return out, nil
	}
	if err := s.settle(ctx); err != nil {
		return nil, fmt.Errorf("list flows by anomaly: %w", err)
	}
	pi, err := s.tableParts(ctx, "flow_verdicts")
	if err != nil || pi.rows == 0 {
		return out, err
	}
	now := time.Now()
	ns, from := now.UnixNano(), fromNanos(since)
	counts, err := s.kindRows(ctx, from, ns)
	if err != nil {
		return nil, err
	}
	type kindWindow struct {
		w    time.Duration
		done bool // the window reaches from
		keys []verdictKey
	}
	wins := map[string]*kindWindow{}
	var top int64
	for k, c := range counts {
		var w time.Duration
		top, w = verdictWindow(pi, c, n)
		wins[k] = &kindWindow{w: w}
	}
	found := map[verdictKey]bool{}
	for len(wins) > 0 {
		var pre, keep []cond
		minLo := int64(1<<63 - 1)
		for k, kw := range wins {
			var lo int64
			lo, kw.done = windowFloor(pi, top, kw.w, from)
			minLo = min(minLo, lo)
			row := cond{"has(kinds, ?)", []any{k}}
			if k == diagnose.Stalled {
				row = cond{"stall_ns != 0 AND stall_ns < ?", []any{ns}}
			}
			pre = append(pre, and([]cond{row, {"last_ns >= ?", []any{lo}}}))
			keep = append(keep, cond{"kind = ? AND last >= ?", []any{k, lo}})
		}
		p, kp := or(pre), or(keep)
		rows, err := s.conn.Query(ctx, `SELECT kind, flow_id, last FROM (
  SELECT flow_id, argMax(last_ns, computed_ns) AS last, argMax(kinds, computed_ns) AS k, argMax(stall_ns, computed_ns) AS st
  FROM flow_verdicts WHERE last_ns >= ? AND flow_id IN (SELECT flow_id FROM flow_verdicts WHERE last_ns >= ? AND (`+p.sql+`))
  GROUP BY flow_id)
ARRAY JOIN arrayConcat(k, if(st != 0 AND st < ?, [?], emptyArrayString())) AS kind
WHERE `+kp.sql+`
ORDER BY last DESC, flow_id DESC
LIMIT ? BY kind`, slices.Concat([]any{minLo, minLo}, p.args, []any{ns, diagnose.Stalled}, kp.args, []any{n})...)
		if err != nil {
			return nil, fmt.Errorf("list flows by anomaly: %w", err)
		}
		got := map[string][]verdictKey{}
		for rows.Next() {
			var kind string
			var key verdictKey
			if err := rows.Scan(&kind, &key.flow, &key.last); err != nil {
				rows.Close()
				return nil, fmt.Errorf("list flows by anomaly: %w", err)
			}
			got[kind] = append(got[kind], key)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list flows by anomaly: %w", err)
		}
		for k, kw := range wins {
			kw.keys = got[k]
			if len(kw.keys) < n && !kw.done {
				kw.w *= verdictGrowth
				continue
			}
			delete(wins, k)
			for _, key := range kw.keys {
				found[key] = true
			}
			if len(kw.keys) > 0 {
				out[k] = nil
				for _, key := range kw.keys {
					out[k] = append(out[k], store.FlowSummary{CorrelationID: key.flow, LastTime: timeOf(key.last)})
				}
			}
		}
	}
	return s.fillKindFlows(ctx, out, found, now)
}

// fillKindFlows replaces the flows of byKind (only IDs and last times) by
// their whole summaries at now, from the verdicts keys.
func (s *Store) fillKindFlows(ctx context.Context, byKind map[string][]store.FlowSummary, keys map[verdictKey]bool, now time.Time) (map[string][]store.FlowSummary, error) {
	ks := make([]verdictKey, 0, len(keys))
	for k := range keys {
		ks = append(ks, k)
	}
	vs, err := s.verdictsAt(ctx, ks)
	if err != nil {
		return nil, fmt.Errorf("list flows by anomaly: %w", err)
	}
	sums := map[string]store.FlowSummary{}
	for i := range vs {
		sums[vs[i].flow] = vs[i].summary(now)
	}
	for k, fs := range byKind {
		for i := range fs {
			fs[i] = sums[fs[i].CorrelationID]
		}
		byKind[k] = fs
	}
	return byKind, nil
}

// kindRows counts the rows of flow_verdicts at or after from per anomaly
// kind they show at ns (a narrow scan of the range: kinds and stall_ns).
func (s *Store) kindRows(ctx context.Context, from, ns int64) (map[string]uint64, error) {
	rows, err := s.conn.Query(ctx, `SELECT kind, count() FROM flow_verdicts
ARRAY JOIN arrayConcat(kinds, if(stall_ns != 0 AND stall_ns < ?, [?], emptyArrayString())) AS kind
WHERE last_ns >= ? GROUP BY kind`, ns, diagnose.Stalled, from)
	if err != nil {
		return nil, fmt.Errorf("count flows by anomaly: %w", err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var k string
		var c uint64
		if err := rows.Scan(&k, &c); err != nil {
			return nil, fmt.Errorf("count flows by anomaly: %w", err)
		}
		out[k] = c
	}
	return out, rows.Err()
}

// verdictWindow is where windows of flow_verdicts start (top: just past the
// newest last time) and the width of the first window, sized from the
// table's density for about 4n of rows rows spread over its time span.
func verdictWindow(pi partsInfo, rows uint64, n int) (top int64, w time.Duration) {
	span := float64(pi.maxT.Sub(pi.minT) + time.Second)
	w = time.Duration(min(span, max(float64(time.Second), span*float64(4*n)/float64(max(rows, 1)))))
	return pi.maxT.Add(time.Second).UnixNano(), w
}

// windowFloor is the lower bound of the window [lo, top) of width w,
// never below from: done when it holds every row at or after from (it
// reaches from, or the table's oldest last time).
func windowFloor(pi partsInfo, top int64, w time.Duration, from int64) (lo int64, done bool) {
	lo = top - int64(w)
	if lo <= pi.minT.UnixNano() || w > 10*365*24*time.Hour { // w*verdictGrowth stays in range
		lo, done = zeroNanos, true
	}
	if lo <= from {
		lo, done = from, true
	}
	return lo, done
}
