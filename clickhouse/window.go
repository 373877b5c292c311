package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/store"
)

// windowed reports whether q is searched newest flows first (windowSearch):
// it has a positive type:, source:, topic: or anomaly: term with a value.
// Such values are usually common (a type or a service of many flows, the
// anomalies the dashboard lists), so the newest few flows hold a page of
// matches; rare ones cost one full pass over flow_summary plus the few
// small windows tried first, and values no flow has are answered from
// value_minutes (absent).
//
// Positive payload and text terms are searched so too: a common one is
// met by the newest flows, read by flow_id (their payloads, or their rows
// of the payload field read model); a rare one costs the small windows
// plus the whole search, and payload fields or values no flow has are
// answered from the payload read model (absent).
func windowed(q store.FlowQuery) bool {
	for _, t := range q.Terms {
		if !t.Negate && t.Value != "" && (t.Field == store.FieldType || t.Field == store.FieldSource ||
			t.Field == store.FieldTopic || t.Field == store.FieldAnomaly || t.Field == store.FieldText) ||
			!t.Negate && t.Field == store.FieldPayload {
			return true
		}
	}
	return false
}

// absent reports whether a positive type:, source: or topic: term of q
// names a value (or prefix) that no stored event has, from value_minutes,
// or a positive payload term matches no stored flow (payloadAbsent): then
// no flow matches. few: the flows of a rare exact payload term of q
// (payloadAbsent), when it has one ("" sql otherwise).
func (s *Store) absent(ctx context.Context, q store.FlowQuery) (none bool, few cond, err error) {
	for _, t := range q.Terms {
		if !t.Negate && t.Field == store.FieldPayload {
			none, rare, err := s.payloadAbsent(ctx, t)
			if err != nil || none {
				return none, cond{}, err
			}
			if rare {
				few = modelCond(t, cond{sql: "1"})
			}
			continue
		}
		if t.Negate || t.Field != store.FieldType && t.Field != store.FieldSource && t.Field != store.FieldTopic {
			continue
		}
		m := match("value", t.Value, t.Prefix)
		var n uint64
		if err := s.conn.QueryRow(ctx, "SELECT count() FROM (SELECT field FROM value_minutes WHERE field = ? AND "+m.sql+" LIMIT 1)",
			append([]any{string(t.Field)}, m.args...)...).Scan(&n); err != nil {
			return false, cond{}, fmt.Errorf("look up %s:%s: %w", t.Field, t.Value, err)
		}
		if n == 0 {
			return true, cond{}, nil
		}
	}
	return false, few, nil
}

// windowSearch runs the search on the flows whose last event falls in a
// window [lo, now] of event times (from flow_times, like recentFlows),
// sized for about 4n flows, instead of on every flow. Every flow outside
// the window ranks below every flow in it, so n results from the window
// are the first n overall; with fewer the window grows fourfold. Past
// maxWindow times n flows a window reads nearly as many blocks of events
// as the whole table, so the search then runs on every flow.
func (s *Store) windowSearch(ctx context.Context, q store.FlowQuery, cur *store.Cursor, n int) ([]store.FlowSummary, error) {
	none, few, err := s.absent(ctx, q)
	if err != nil || none {
		return []store.FlowSummary{}, err
	}
	if few.sql != "" { // an exact payload value few flows hold: search just them
		return s.searchFlowsIn(ctx, q, cur, n, few)
	}
	pi, err := s.flowTimesParts(ctx)
	if err != nil {
		return nil, err
	}
	top := pi.maxT.Add(time.Second).UnixNano()
	if cur != nil && !cur.LastTime.IsZero() {
		top = min(top, cur.LastTime.UnixNano()+1)
	}
	span := float64(pi.maxT.Sub(pi.minT) + time.Second)
	perFlow := span / float64(max(pi.rows, 1)) // of event time, about
	for w := time.Duration(max(float64(time.Second), perFlow*float64(4*n))); ; w *= 4 {
		lo := top - int64(w)
		if pi.rows == 0 || lo <= pi.minT.UnixNano() || float64(w) > perFlow*float64(max(maxWindow*n, maxWindowFlows)) ||
			!q.From.IsZero() && lo <= q.From.UnixNano() { // the prefilter's window is narrower
			return s.searchFlowsIn(ctx, q, cur, n, cond{})
		}
		sums, err := s.searchFlowsIn(ctx, q, cur, n,
			cond{"flow_id IN (SELECT flow_id FROM flow_times WHERE max_ns >= ?)", []any{lo}})
		if err != nil || len(sums) >= n || cut(ctx) {
			return sums, err
		}
	}
}

// maxWindow and maxWindowFlows bound windowSearch's windows to about
// max(maxWindow*n, maxWindowFlows) flows (4n, 16n, ... are tried): a window
// merges the summaries of its flows by primary key, so up to some
// thousands of flows it costs far less than one pass over all of them.
const (
	maxWindow      = 16
	maxWindowFlows = 20000
)
