package clickhouse

import (
	"context"
	"fmt"
	"sort"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Flows lists the flows matching q, newest last event first, a page at a
// time. The plain "recent flows" listing reads flow_times by time; searches
// group events by flow. Either way one query then reads the page's flows'
// records from events by primary key and sums them up here.
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
	var sums []store.FlowSummary
	var err error
	if len(q.Terms) == 0 && q.To.IsZero() {
		sums, err = s.recentFlows(ctx, q.From, cur, limit+1)
	} else {
		sums, err = s.searchFlows(ctx, q, cur, limit+1)
	}
	if err != nil {
		return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
	}
	page := store.FlowPage{Flows: sums}
	if len(sums) > limit {
		page.Flows = sums[:limit]
		last := sums[limit-1]
		page.NextCursor = store.EncodeCursor(store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID})
	}
	return page, nil
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
	return s.searchFlowsIn(ctx, q, cur, n, cond{sql: "1"})
}

// searchFlowsIn groups the events of the flows that pass the prefilter and
// narrow (a condition on flow_id) by flow and keeps those matching every
// term.
func (s *Store) searchFlowsIn(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int, narrow cond) ([]store.FlowSummary, error) {
	pre := and([]cond{prefilter(q), narrow})
	where := []cond{pre, {sql: "internal = 0"}}
	having := []cond{cursorCond(cur)}
	if !q.From.IsZero() || !q.To.IsZero() {
		having = append(having, cond{"countIf(time_ns >= ? AND time_ns < ?) > 0",
			[]any{fromNanos(q.From), toNanos(q.To)}})
	}
	for _, t := range q.Terms {
		if t.Field == store.FieldAnomaly {
			where = append(where, negate(anomalyCond(t, pre), t.Negate))
			continue
		}
		ec, err := eventCond(t)
		if err != nil {
			return nil, err
		}
		having = append(having, negate(cond{"countIf(" + ec.sql + ") > 0", ec.args}, t.Negate))
	}
	w, h := and(where), and(having)
	args := append(append(append([]any{}, w.args...), h.args...), n)
	return s.pageSummaries(ctx, cond{`SELECT flow_id, max(time_ns) AS last FROM events
WHERE ` + w.sql + `
GROUP BY flow_id
HAVING ` + h.sql + `
ORDER BY last DESC, flow_id DESC
LIMIT ?`, args})
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

// partsInfo is what system.parts says about flow_times.
type partsInfo struct {
	rows       uint64
	minT, maxT time.Time
}

// flowTimesParts reads partsInfo, or reuses one read less than a second
// ago. Stale values only make recentFlows read a wider window than it
// needs: a non-empty table is never taken for empty.
func (s *Store) flowTimesParts(ctx context.Context) (partsInfo, error) {
	s.partsMu.Lock()
	pi, at := s.parts, s.partsAt
	s.partsMu.Unlock()
	if pi.rows > 0 && time.Since(at) < time.Second {
		return pi, nil
	}
	if err := s.conn.QueryRow(ctx, `SELECT sum(rows), min(min_time), max(max_time) FROM system.parts
WHERE database = ? AND table = 'flow_times' AND active`, s.db).Scan(&pi.rows, &pi.minT, &pi.maxT); err != nil {
		return partsInfo{}, fmt.Errorf("read flow_times parts: %w", err)
	}
	if pi.rows > 0 {
		s.partsMu.Lock()
		s.parts, s.partsAt = pi, time.Now()
		s.partsMu.Unlock()
	}
	return pi, nil
}

// head is a flow and its last event time (for insights.go).
type head struct {
	flow string
	last int64
}

// heads runs a query selecting flow_id and a last time.
func (s *Store) heads(ctx context.Context, query string, args ...any) ([]head, error) {
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hs []head
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.flow, &h.last); err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// summaries sums up the flows hs names, in the order of hs.
func (s *Store) summaries(ctx context.Context, hs []head) ([]store.FlowSummary, error) {
	out := []store.FlowSummary{}
	if len(hs) == 0 {
		return out, nil
	}
	ids := make([]any, len(hs))
	for i, h := range hs {
		ids[i] = h.flow
	}
	byFlow, err := s.flowRecords(ctx, cond{"flow_id IN ?", []any{ch.GroupSet{Value: ids}}})
	if err != nil {
		return nil, fmt.Errorf("read flow summaries: %w", err)
	}
	for _, h := range hs {
		if evs := byFlow[h.flow]; len(evs) > 0 {
			out = append(out, summarize(h.flow, evs))
		}
	}
	return out, nil
}

// pageSummaries sums up the flows the query heads selects (flow_id first,
// at most a page of them) in one round trip, in the Flows order.
func (s *Store) pageSummaries(ctx context.Context, heads cond) ([]store.FlowSummary, error) {
	byFlow, err := s.flowRecords(ctx, cond{"flow_id IN (SELECT flow_id FROM (" + heads.sql + "))", heads.args})
	if err != nil {
		return nil, err
	}
	out := make([]store.FlowSummary, 0, len(byFlow))
	for flow, evs := range byFlow {
		out = append(out, summarize(flow, evs))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if !a.LastTime.Equal(b.LastTime) {
			return a.LastTime.After(b.LastTime)
		}
		return a.CorrelationID > b.CorrelationID
	})
	return out, nil
}

// flowRecords reads what summaries need of the records (each once) of the
// flows where selects: the summary column (see migrations/0001_events.sql).
func (s *Store) flowRecords(ctx context.Context, where cond) (map[string][]event.Event, error) {
	// Internal records (Event.Internal) are no part of a summary.
	rows, err := s.conn.Query(ctx, "SELECT flow_id, summary FROM events WHERE internal = 0 AND ("+where.sql+")", where.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type identity struct {
		flow, topic string
		partition   int32
		offset, kt  int64
	}
	seen := map[identity]bool{}
	byFlow := map[string][]event.Event{}
	for rows.Next() {
		var flow, sum string
		if err := rows.Scan(&flow, &sum); err != nil {
			return nil, err
		}
		e, kt, err := parseSummary(sum)
		if err != nil {
			return nil, fmt.Errorf("flow %q: %w", flow, err)
		}
		// Copies of a record a retried write left, not merged yet.
		if id := (identity{flow, e.Topic, e.Partition, e.Offset, kt}); !seen[id] {
			seen[id] = true
			byFlow[flow] = append(byFlow[flow], e)
		}
	}
	return byFlow, rows.Err()
}

func summarize(flow string, evs []event.Event) store.FlowSummary {
	sum := store.FlowSummary{CorrelationID: flow, EventCount: len(evs),
		FirstTime: evs[0].Time, LastTime: evs[0].Time, Anomalies: store.FlowAnomalies(evs)}
	services, types := map[string]bool{}, map[string]bool{}
	for i := range evs {
		e := &evs[i]
		if e.Time.Before(sum.FirstTime) {
			sum.FirstTime = e.Time
		}
		if e.Time.After(sum.LastTime) {
			sum.LastTime = e.Time
		}
		services[e.Source], types[e.Type] = true, true
	}
	sum.Services, sum.Types = sortedSet(services), sortedSet(types)
	return sum
}

func sortedSet(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
