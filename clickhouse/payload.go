package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/store"
)

// Payload field terms. ClickHouse 18.16 has no JSON functions but the
// visitParam* family, which finds a key at any depth and cannot follow a
// path or an array, and no data-skipping indexes: so SQL only narrows the
// candidates and Go decides. A positive term keeps the flows with an
// event whose payload contains the field's last key quoted (and, for an
// exact or prefix match on a plain value, the value's bytes): position()
// over the payloads of the events in the search's window, pruned by the
// same lookup tables as every search. The candidate flows are then read
// in pages newest first (payloadPage, then each twice the last up to
// maxPayloadPage, since each page runs the candidate query again); for
// each page one query reads the
// payloads of its flows (by flow_id, the events' sort key) and
// store.PayloadMatches decides, until the page of results is full. The
// cost: a position() scan of the window's payloads per positive term and
// page, plus one JSON decode per payload of every candidate flow looked at;
// a negated term alone looks at every flow in the window, newest first.
const payloadPage = 200

// maxPayloadPage bounds the doubling pages of candidates (searchFlowsIn):
// one page's payloads are read in one query.
const maxPayloadPage = 3200

// payloadCond is the SQL side of a payload term: the flows that may match
// a positive term (fc), nothing for a negated one (any flow may match).
func payloadCond(t store.Term, pre cond) cond {
	if t.Negate {
		return cond{}
	}
	var cs []cond
	if n := store.PayloadNeedle(t.Name); n != "" {
		cs = append(cs, cond{"position(payload, ?) > 0", []any{n}})
	}
	if t.Op == store.OpEq && plainValue(t.Value) {
		cs = append(cs, cond{"position(payload, ?) > 0", []any{t.Value}})
	}
	if len(cs) == 0 {
		return cond{}
	}
	c := and(cs)
	return cond{"flow_id IN (SELECT flow_id FROM events WHERE internal = 0 AND (" + pre.sql + ") AND " + c.sql + ")",
		append(append([]any{}, pre.args...), c.args...)}
}

// plainValue reports whether JSON writes v (as a string or a literal)
// only one way, as its own bytes: then every payload holding it holds v.
func plainValue(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ' ' || c == ':' || c == '@') {
			return false
		}
	}
	return true
}

// searchFlowsIn is searchFlowsSQL with the payload terms of q decided in
// Go on pages of its candidates (see payloadPage).
func (s *Store) searchFlowsIn(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int, narrow cond) ([]store.FlowSummary, error) {
	var pay []store.Term
	for _, t := range q.Terms {
		if t.Field == store.FieldPayload {
			pay = append(pay, t)
		}
	}
	if len(pay) == 0 {
		return s.searchFlowsSQL(ctx, q, cur, n, narrow)
	}
	var out []store.FlowSummary
	page := max(n, payloadPage)
	for {
		sums, err := s.searchFlowsSQL(ctx, q, cur, page, narrow)
		if err != nil {
			return nil, err
		}
		keep, err := s.payloadFilter(ctx, sums, pay)
		if err != nil {
			return nil, err
		}
		out = append(out, keep...)
		if len(out) >= n || len(sums) < page {
			return out[:min(n, len(out))], nil
		}
		last := sums[len(sums)-1]
		cur = &store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID}
		// Each page runs the candidate query (and its position() scan of
		// the window) again: pages double, so a term few flows meet costs
		// a few scans, not one per 200 flows.
		page = min(page*2, maxPayloadPage)
	}
}

// payloadFilter keeps the flows of sums whose events' payloads meet every
// payload term (a negated one: no event matches it).
func (s *Store) payloadFilter(ctx context.Context, sums []store.FlowSummary, terms []store.Term) ([]store.FlowSummary, error) {
	if len(sums) == 0 {
		return nil, nil
	}
	ids := make([]any, len(sums))
	for i, f := range sums {
		ids[i] = f.CorrelationID
	}
	matched := map[string][]bool{}
	rows, err := s.conn.Query(ctx, "SELECT flow_id, payload FROM events WHERE internal = 0 AND flow_id IN ?", ch.GroupSet{Value: ids})
	if err != nil {
		return nil, fmt.Errorf("read payloads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, payload string
		if err := rows.Scan(&id, &payload); err != nil {
			return nil, fmt.Errorf("read payloads: %w", err)
		}
		m := matched[id]
		if m == nil {
			m = make([]bool, len(terms))
			matched[id] = m
		}
		for i, t := range terms {
			if !m[i] && store.PayloadMatches(t, []byte(payload)) {
				m[i] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read payloads: %w", err)
	}
	var out []store.FlowSummary
	for _, f := range sums {
		m := matched[f.CorrelationID]
		ok := true
		for i, t := range terms {
			ok = ok && (m != nil && m[i]) != t.Negate
		}
		if ok {
			out = append(out, f)
		}
	}
	return out, nil
}
