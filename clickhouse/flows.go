package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/store"
)

// Flows lists the flows matching q, newest last event first, a page at a
// time. The recent flows and searches whose terms the verdicts decide
// alone (status:, anomaly:, type:, source:, topic:) read windows of
// flow_verdicts by last time (verdict_read.go); other searches merge the
// flow_summary states of the flows they look at, narrowed by the
// verdicts when they have status: or anomaly: terms.
func (s *Store) Flows(ctx context.Context, q store.FlowQuery) (store.FlowPage, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	limit := q.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	var cur *store.Cursor
	if q.Cursor != "" {
		c, err := store.DecodeCursor(q.Cursor)
		if err != nil {
			return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
		}
		cur = &c
	}
	ctx, sc := s.withScan(ctx, q)
	var sums []store.FlowSummary
	topics, err := s.topicsKnown(ctx)
	if err != nil {
		return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
	}
	if diag, rest := diagnosedTerms(q.Terms); q.To.IsZero() && len(rest) > 0 && verdictTerms(q.Terms, topics) {
		var none bool // a type, source or topic no event has: value_minutes says so at once
		sums = []store.FlowSummary{}
		if none, _, err = s.absent(ctx, q); err == nil && !none {
			sums, err = s.verdictFlows(ctx, store.FlowQuery{From: q.From}, q.Terms, cur, limit+1)
		}
	} else if len(diag) > 0 || len(rest) == 0 && q.To.IsZero() {
		q.Terms = rest
		sums, err = s.verdictFlows(ctx, q, diag, cur, limit+1)
	} else {
		sums, err = s.listFlows(ctx, q, cur, limit+1)
	}
	if err != nil {
		return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
	}
	page := store.FlowPage{Flows: sums}
	if len(sums) > limit {
		page.Flows = sums[:limit]
		last := sums[limit-1]
		page.NextCursor = store.EncodeCursor(store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID})
	} else if sc != nil && sc.cut {
		// cut short: go on from where the scan stopped, if it moved
		page.ScanCut = true
		if sc.at != nil {
			if c := store.EncodeCursor(*sc.at); c != q.Cursor {
				page.NextCursor = c
			}
		}
	}
	return page, nil
}

// listFlows is Flows without status: and anomaly: terms.
func (s *Store) listFlows(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int) ([]store.FlowSummary, error) {
	if len(q.Terms) == 0 && q.To.IsZero() {
		return s.recentFlows(ctx, q.From, cur, n)
	}
	return s.searchFlows(ctx, q, cur, n)
}

// cursorCond keeps the flows after the cursor in the Flows order.
func cursorCond(cur *store.Cursor) cond {
	if cur == nil {
		return cond{sql: "1"}
	}
	ns := nanos(cur.LastTime)
	return cond{"last < ? OR (last = ? AND flow_id < ?)", []any{ns, ns, cur.FlowID}}
}

// searchFlows answers a search: newest flows first when it has a term
// that usually matches many (window.go), else in one pass over the events.
func (s *Store) searchFlows(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int) ([]store.FlowSummary, error) {
	if windowed(q) {
		return s.windowSearch(ctx, q, cur, n)
	}
	return s.searchFlowsIn(ctx, q, cur, n, cond{})
}

// searchFlowsSQL finds the flows that pass the prefilter and narrow (a
// condition on flow_id) and match every term, on their merged
// flow_summary states (terms.go); terms on single events (header:, text:,
// prefix or negated id: and key:) first select flows from events.
//
// narrow is a window of the newest flows (windowSearch) or empty; a
// window makes the prefilter's time range redundant (the window is
// narrower, and the merged event times decide), so it is left out.
func (s *Store) searchFlowsSQL(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int, narrow cond) ([]store.FlowSummary, error) {
	heads, err := s.searchHeads(q, cur, n, narrow)
	if err != nil {
		return nil, err
	}
	return s.pageSummaries(ctx, heads)
}

// searchHeads is the query of searchFlowsSQL's flows: (flow_id, last),
// at most n, in the Flows order.
func (s *Store) searchHeads(q store.FlowQuery, cur *store.Cursor, n int, narrow cond) (cond, error) {
	pre := prefilter(q, true)
	if narrow.sql != "" {
		pre = and([]cond{prefilter(q, false), narrow})
	}
	where := []cond{pre}
	var having []cond
	need := map[string]bool{}
	switch {
	case !q.To.IsZero():
		having = append(having, cond{"arrayExists(x -> tupleElement(x, 2) >= ? AND tupleElement(x, 2) < ?, it)",
			[]any{fromNanos(q.From), toNanos(q.To)}})
		need["it"] = true
	case !q.From.IsZero(): // an event at or after From: the last one is
		having = append(having, cond{"last >= ?", []any{fromNanos(q.From)}})
	}
	for _, t := range q.Terms {
		fc, mc, err := termCond(t, pre, need, s.textIndex)
		if err != nil {
			return cond{}, err
		}
		if fc.sql != "" {
			where = append(where, fc)
		}
		if mc.sql != "" {
			having = append(having, mc)
		}
	}
	having = append(having, cursorCond(cur))
	w, h := and(where), and(having)
	cols := "flow_id, maxMerge(last_ns) AS last"
	for _, c := range mergedColumns {
		if need[c.alias] {
			cols += ", " + c.sql + " AS " + c.alias
		}
	}
	return cond{`SELECT flow_id, last FROM (
  SELECT ` + cols + `
  FROM flow_summary WHERE ` + w.sql + `
  GROUP BY flow_id
) WHERE ` + h.sql + `
ORDER BY last DESC, flow_id DESC
LIMIT ?`, append(append(append([]any{}, w.args...), h.args...), n)}, nil
}

// recentFlows finds the newest flows from flow_times, reading only a
// window [lo, now] of event times: every flow whose last event is in the
// window has its true last time there. The first window is sized from the
// table's density to hold about 4 rows per wanted flow (a flow has about
// one row per write that carried its events); it grows fourfold until it
// holds n flows or covers everything.
func (s *Store) recentFlows(ctx context.Context, from time.Time, cur *store.Cursor, n int) ([]store.FlowSummary, error) {
	pi, err := s.flowTimesParts(ctx)
	if err != nil || pi.rows == 0 {
		return []store.FlowSummary{}, err
	}
	top := pi.maxT.Add(time.Second).UnixNano()
	if cur != nil && !cur.LastTime.IsZero() {
		top = min(top, cur.LastTime.UnixNano()+1)
	}
	span := float64(pi.maxT.Sub(pi.minT) + time.Second)
	w := time.Duration(min(span, max(float64(time.Second), span*float64(4*n)/float64(pi.rows))))
	c := cursorCond(cur)
	for ; ; w *= 4 {
		lo := top - int64(w)
		done := lo <= pi.minT.UnixNano() || w > 50*365*24*time.Hour // w*4 stays in range
		if done {
			lo = zeroNanos
		}
		if !from.IsZero() && lo <= from.UnixNano() {
			lo, done = from.UnixNano(), true
		}
		sums, err := s.pageSummaries(ctx, cond{`SELECT flow_id, max(max_ns) AS last FROM flow_times
WHERE max_ns >= ?
GROUP BY flow_id
HAVING ` + c.sql + `
ORDER BY last DESC, flow_id DESC
LIMIT ?`, append(append([]any{lo}, c.args...), n)})
		if err != nil || done || len(sums) >= n {
			return sums, err
		}
	}
}

// partsInfo is what system.parts says about a table.
type partsInfo struct {
	rows       uint64
	minT, maxT time.Time
	at         time.Time // when it was read
}

// flowTimesParts is tableParts of flow_times.
func (s *Store) flowTimesParts(ctx context.Context) (partsInfo, error) {
	return s.tableParts(ctx, "flow_times")
}

// tableParts reads partsInfo of a table partitioned by last_time, or
// reuses one read less than a second ago. Stale values only make windows
// wider than they need be: a non-empty table is never taken for empty.
func (s *Store) tableParts(ctx context.Context, table string) (partsInfo, error) {
	s.partsMu.Lock()
	pi := s.parts[table]
	s.partsMu.Unlock()
	if pi.rows > 0 && time.Since(pi.at) < time.Second {
		return pi, nil
	}
	parts, local := s.partsOf(table)
	if err := s.conn.QueryRow(ctx, `SELECT sum(rows), min(min_time), max(max_time) FROM `+parts+`
WHERE database = ? AND table = ? AND active`, s.db, local).Scan(&pi.rows, &pi.minT, &pi.maxT); err != nil {
		return partsInfo{}, fmt.Errorf("read %s parts: %w", table, err)
	}
	if pi.rows > 0 {
		pi.at = time.Now()
		s.partsMu.Lock()
		if s.parts == nil {
			s.parts = map[string]partsInfo{}
		}
		s.parts[table] = pi
		s.partsMu.Unlock()
	}
	return pi, nil
}

// pageSummaries sums up the flows the query heads selects (flow_id first,
// at most a page of them) in one round trip, in the Flows order.
func (s *Store) pageSummaries(ctx context.Context, heads cond) ([]store.FlowSummary, error) {
	return s.readSummaries(ctx, cond{"flow_id IN (SELECT flow_id FROM (" + heads.sql + "))", heads.args})
}
