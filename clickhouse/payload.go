package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/store"
)

// Payload field terms. ClickHouse 18.16 has no JSON functions but the
// visitParam* family, which finds a key at any depth and cannot follow a
// path or an array: the payload field read model (payload_model.go,
// written by Write) answers instead. A positive has:, comparison or exact
// term (value up to maxIndexedValue bytes) is decided by it in SQL alone,
// so such a search reads no payload. The others (a prefix, a long value,
// a negated term) take candidates from it when positive (plus position()
// of a plain value's bytes over the window's payloads) and Go decides:
// the candidate flows are read once per search, as IDs newest first
// (searchFlowsIn); their payloads are read payloadPage flows at a time
// (by flow_id, the events' sort key: a flow costs a granule of events)
// and store.PayloadMatches decides, until the page of results is full or
// the search's budget is spent (scan.go). A negated term alone looks at
// every flow in the window, newest first.
const payloadPage = 200

// payloadCond is the SQL side of a payload term: the flows that may match
// a positive term (fc), nothing for a negated one (any flow may match).
// The read model (modelCond) gives them; an exact term it does not index
// (a prefix, a long value) also needs the value's bytes in a payload of
// the flow, when JSON writes it only one way.
func payloadCond(t store.Term, pre cond) cond {
	if t.Negate {
		return cond{}
	}
	cs := []cond{modelCond(t, pre)}
	if t.Op == store.OpEq && !indexedValue(t) && plainValue(t.Value) {
		cs = append(cs, cond{"flow_id IN (SELECT flow_id FROM events WHERE internal = 0 AND (" + pre.sql + ") AND position(payload, ?) > 0)",
			append(append([]any{}, pre.args...), t.Value)})
	}
	return and(cs)
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
// Go. The flows that pass the SQL conditions (the candidates) are read
// once, as IDs newest first, in batches (the first of n or payloadPage
// flows, then maxCandidates): one candidate query per batch, not per page.
// Their payloads are then read and decided payloadPage flows at a time,
// and only the flows kept are summed up. The search's budget (scan.go)
// is checked after each of those steps: past it the matches found so far
// are the answer.
func (s *Store) searchFlowsIn(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int, narrow cond) ([]store.FlowSummary, error) {
	var pay []store.Term // what Go decides: the read model leaves them open
	for _, t := range q.Terms {
		if t.Field == store.FieldPayload && !decided(t) {
			pay = append(pay, t)
		}
	}
	if len(pay) == 0 {
		qctx, cancel := bounded(ctx)
		defer cancel()
		sums, err := s.searchFlowsSQL(qctx, q, cur, n, narrow)
		if err != nil && cutAt(ctx, qctx, err, nil) {
			return []store.FlowSummary{}, nil
		}
		return sums, err
	}
	out := []store.FlowSummary{}
	batch := max(n, payloadPage)
	for {
		heads, err := s.searchHeads(q, cur, batch, narrow)
		if err != nil {
			return nil, err
		}
		qctx, cancel := bounded(ctx)
		ids, lasts, err := s.readHeads(qctx, heads)
		cancel()
		if err != nil {
			if cutAt(ctx, qctx, err, cur) {
				return out, nil
			}
			return nil, err
		}
		for i := 0; i < len(ids); i += payloadPage {
			chunk := ids[i:min(i+payloadPage, len(ids))]
			qctx, cancel := bounded(ctx)
			keep, err := s.payloadFilter(qctx, chunk, pay)
			var sums []store.FlowSummary
			if err == nil && len(keep) > 0 {
				sums, err = s.readSummaries(qctx, cond{"flow_id IN ?", []any{ch.GroupSet{Value: keep}}})
			}
			cancel()
			if err != nil {
				if cutAt(ctx, qctx, err, cur) {
					return out, nil
				}
				return nil, err
			}
			out = append(out, sums...)
			j := i + len(chunk) - 1
			cur = &store.Cursor{LastTime: timeOf(lasts[j]), FlowID: ids[j]}
			if len(out) >= n {
				return out[:n], nil
			}
			if over(ctx) {
				cutAt(ctx, nil, nil, cur)
				return out, nil
			}
		}
		if len(ids) < batch {
			return out, nil
		}
		batch = maxCandidates
	}
}

// maxCandidates bounds a batch of candidate flow IDs read at once.
const maxCandidates = 20000

// readHeads reads the flow IDs and last event times heads selects.
func (s *Store) readHeads(ctx context.Context, heads cond) ([]string, []int64, error) {
	rows, err := s.conn.Query(ctx, heads.sql, heads.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("search flows: %w", err)
	}
	defer rows.Close()
	var ids []string
	var lasts []int64
	for rows.Next() {
		var id string
		var last int64
		if err := rows.Scan(&id, &last); err != nil {
			return nil, nil, fmt.Errorf("search flows: %w", err)
		}
		ids, lasts = append(ids, id), append(lasts, last)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("search flows: %w", err)
	}
	return ids, lasts, nil
}

// payloadFilter keeps the flows whose events' payloads meet every
// payload term (a negated one: no event matches it).
func (s *Store) payloadFilter(ctx context.Context, flows []string, terms []store.Term) ([]any, error) {
	if len(flows) == 0 {
		return nil, nil
	}
	ids := make([]any, len(flows))
	for i, f := range flows {
		ids[i] = f
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
	var out []any
	for _, f := range flows {
		m := matched[f]
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
