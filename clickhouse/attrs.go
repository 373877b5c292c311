package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/store"
)

// attrField is the flow_attrs field (migrations/0005_flow_attrs.sql) of a
// term's field, "" when the table does not hold it.
func attrField(f store.Field) string {
	switch f {
	case store.FieldType:
		return "type"
	case store.FieldSource:
		return "source"
	case store.FieldTopic:
		return "topic"
	}
	return ""
}

// attrCond is the flow_attrs condition, on its sorting key, selecting the
// flows a positive type:, source: or topic: term can match; ok is false for
// other terms, negated ones and empty values (flow_attrs holds none).
func attrCond(t store.Term) (c cond, ok bool) {
	f := attrField(t.Field)
	if f == "" || t.Negate || t.Value == "" {
		return cond{}, false
	}
	// f is one of three constants; values are bound.
	if !t.Prefix {
		return cond{"field = '" + f + "' AND value = ?", []any{t.Value}}, true
	}
	c = cond{"field = '" + f + "' AND value >= ? AND startsWith(value, ?)", []any{t.Value, t.Value}}
	if end, ok := prefixEnd(t.Value); ok {
		c.sql += " AND value < ?"
		c.args = append(c.args, end)
	}
	return c, true
}

// prefixEnd is the least string above every string starting with p
// (byte-wise, as ClickHouse compares), ok false when there is none (p is
// all 0xff bytes).
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// attrDriver picks the term of q that flow_attrs narrows best: of the
// positive type:, source: and topic: terms, the one with the fewest rows
// there. It returns all of their conditions, that one first, and its rows;
// none when q has no such term.
func (s *Store) attrDriver(ctx context.Context, q store.FlowQuery) ([]cond, uint64, error) {
	var cs []cond
	var rows uint64
	for _, t := range q.Terms {
		c, ok := attrCond(t)
		if !ok {
			continue
		}
		var n uint64
		if err := s.conn.QueryRow(ctx, "SELECT count() FROM flow_attrs WHERE "+c.sql, c.args...).Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("count flow_attrs: %w", err)
		}
		cs = append(cs, c)
		if len(cs) == 1 || n < rows {
			cs[0], cs[len(cs)-1] = cs[len(cs)-1], cs[0]
			rows = n
		}
	}
	return cs, rows, nil
}

// attrsOnly reports whether every term of q is one flow_attrs decides
// alone, with no time window: then flow_attrs and flow_times answer
// without reading the events.
func attrsOnly(q store.FlowQuery) bool {
	if !q.From.IsZero() || !q.To.IsZero() {
		return false
	}
	for _, t := range q.Terms {
		if _, ok := attrCond(t); !ok {
			return false
		}
	}
	return true
}

// attrSearch answers a search with terms attrs (conditions on flow_attrs,
// the first selecting rows rows there, one per flow and write). The flows
// it can match are those in flow_attrs for every term and, like
// recentFlows, whose last event falls in a window [lo, now] of event times
// sized for about 4n of them; the search then runs on those: by
// flow_times alone when attrsOnly, else on the events. Every flow outside
// the window ranks below every flow in it, so n results from the window
// are the first n overall; with fewer the window grows fourfold, until it
// covers everything and the window goes.
func (s *Store) attrSearch(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int, attrs []cond, rows uint64) ([]store.FlowSummary, error) {
	pi, err := s.flowTimesParts(ctx)
	if err != nil {
		return nil, err
	}
	top := pi.maxT.Add(time.Second).UnixNano()
	if cur != nil && !cur.LastTime.IsZero() {
		top = min(top, cur.LastTime.UnixNano()+1)
	}
	span := float64(pi.maxT.Sub(pi.minT) + time.Second)
	w := time.Duration(min(span, max(float64(time.Second), span*float64(4*n)/float64(max(rows, 1)))))
	for ; ; w *= 4 {
		lo := top - int64(w)
		done := pi.rows == 0 || lo <= pi.minT.UnixNano() || w > 50*365*24*time.Hour || // w*4 stays in range
			!q.From.IsZero() && lo <= q.From.UnixNano() // the prefilter's window is narrower
		window := cond{sql: "1"}
		if !done {
			window = cond{"max_ns >= ?", []any{lo}}
		}
		// Each set is built inside the window: a common value's flows are
		// many, those of the window few.
		narrow := make([]cond, len(attrs))
		for i, a := range attrs {
			narrow[i] = cond{"flow_id IN (SELECT flow_id FROM flow_attrs WHERE (" + a.sql +
				") AND flow_id IN (SELECT flow_id FROM flow_times WHERE " + window.sql + "))",
				append(append([]any{}, a.args...), window.args...)}
		}
		var sums []store.FlowSummary
		if attrsOnly(q) {
			c := cursorCond(cur)
			w := and(append([]cond{window}, narrow...))
			sums, err = s.pageSummaries(ctx, cond{`SELECT flow_id, max(max_ns) AS last FROM flow_times
WHERE ` + w.sql + `
GROUP BY flow_id
HAVING ` + c.sql + `
ORDER BY last DESC, flow_id DESC
LIMIT ?`, append(append(w.args, c.args...), n)})
		} else {
			sums, err = s.searchFlowsIn(ctx, q, cur, n, and(narrow))
		}
		if err != nil || done || len(sums) >= n {
			return sums, err
		}
	}
}
