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

// head is a flow in the Flows order: its ID and last event time.
type head struct {
	flow string
	last int64
}

// Flows lists the flows matching q, newest last event first, a page at a
// time. The plain "recent flows" listing reads flow_times by time; searches
// group events by flow. Either way the page's summaries then come from the
// page's own events, found by primary key.
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
	var heads []head
	var err error
	if len(q.Terms) == 0 && q.To.IsZero() {
		heads, err = s.recentFlows(ctx, q.From, cur, limit+1)
	} else {
		heads, err = s.searchFlows(ctx, q, cur, limit+1)
	}
	if err != nil {
		return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
	}
	page := store.FlowPage{Flows: []store.FlowSummary{}}
	if len(heads) > limit {
		heads = heads[:limit]
		last := heads[limit-1]
		page.NextCursor = store.EncodeCursor(store.Cursor{LastTime: timeOf(last.last), FlowID: last.flow})
	}
	if page.Flows, err = s.summaries(ctx, heads); err != nil {
		return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
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

// searchFlows groups the events of the flows that pass the prefilter by
// flow and keeps those matching every term.
func (s *Store) searchFlows(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int) ([]head, error) {
	pre := prefilter(q)
	where := []cond{pre}
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
	args := append(append([]any{}, w.args...), h.args...)
	return s.heads(ctx, `SELECT flow_id, max(time_ns) AS last FROM events
WHERE `+w.sql+`
GROUP BY flow_id
HAVING `+h.sql+`
ORDER BY last DESC, flow_id DESC
LIMIT ?`, append(args, n)...)
}

func negate(c cond, not bool) cond {
	if not {
		c.sql = "NOT (" + c.sql + ")"
	}
	return c
}

// recentFlows finds the newest flows from flow_times, reading only a
// window [lo, now] of event times: every flow whose last event is in the
// window has its true last time there. The first window is sized from the
// table's density to hold about 4 rows per wanted flow (a flow has about
// one row per write that carried its events); it grows fourfold until it
// holds n flows or covers everything.
func (s *Store) recentFlows(ctx context.Context, from time.Time, cur *store.Cursor, n int) ([]head, error) {
	var minT, maxT time.Time
	var rows uint64
	if err := s.conn.QueryRow(ctx, `SELECT sum(rows), min(min_time), max(max_time) FROM system.parts
WHERE database = ? AND table = 'flow_times' AND active`, s.db).Scan(&rows, &minT, &maxT); err != nil {
		return nil, fmt.Errorf("read flow_times parts: %w", err)
	}
	if rows == 0 {
		return nil, nil
	}
	top := maxT.Add(time.Second).UnixNano()
	if cur != nil && !cur.LastTime.IsZero() {
		top = min(top, cur.LastTime.UnixNano()+1)
	}
	span := float64(maxT.Sub(minT) + time.Second)
	w := time.Duration(min(span, max(float64(time.Second), span*float64(4*n)/float64(rows))))
	c := cursorCond(cur)
	for ; ; w *= 4 {
		lo := top - int64(w)
		done := lo <= minT.UnixNano() || w > 200*365*24*time.Hour
		if done {
			lo = zeroNanos
		}
		if !from.IsZero() && lo <= from.UnixNano() {
			lo, done = from.UnixNano(), true
		}
		hs, err := s.heads(ctx, `SELECT flow_id, max(max_ns) AS last FROM flow_times
WHERE max_ns >= ?
GROUP BY flow_id
HAVING `+c.sql+`
ORDER BY last DESC, flow_id DESC
LIMIT ?`, append(append([]any{lo}, c.args...), n)...)
		if err != nil || done || len(hs) >= n {
			return hs, err
		}
	}
}

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

// summaries reads the records of the given flows (each once) and sums
// them up in the order of hs.
func (s *Store) summaries(ctx context.Context, hs []head) ([]store.FlowSummary, error) {
	out := []store.FlowSummary{}
	if len(hs) == 0 {
		return out, nil
	}
	ids := make([]any, len(hs))
	for i, h := range hs {
		ids[i] = h.flow
	}
	rows, err := s.conn.Query(ctx, `SELECT flow_id, event_id, causation_id, type, source, topic,
kafka_partition, kafka_offset, time_ns FROM events WHERE flow_id IN ?
LIMIT 1 BY flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns`, ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read flow summaries: %w", err)
	}
	defer rows.Close()
	byFlow := map[string][]event.Event{}
	for rows.Next() {
		var flow string
		var e event.Event
		var t int64
		if err := rows.Scan(&flow, &e.EventID, &e.CausationID, &e.Type, &e.Source, &e.Topic,
			&e.Partition, &e.Offset, &t); err != nil {
			return nil, fmt.Errorf("read flow summaries: %w", err)
		}
		e.Time = timeOf(t)
		byFlow[flow] = append(byFlow[flow], e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read flow summaries: %w", err)
	}
	for _, h := range hs {
		if evs := byFlow[h.flow]; len(evs) > 0 {
			out = append(out, summarize(h.flow, evs))
		}
	}
	return out, nil
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
