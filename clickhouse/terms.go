package clickhouse

import (
	"fmt"
	"strings"
	"time"

	"github.com/eventscope/eventscope/store"
)

// cond is a SQL condition with its bound arguments: values are never
// spliced into SQL text.
type cond struct {
	sql  string
	args []any
}

// negate is NOT c when not.
func negate(c cond, not bool) cond {
	if not {
		c.sql = "NOT (" + c.sql + ")"
	}
	return c
}

func and(cs []cond) cond { return join(cs, " AND ", "1") }

func or(cs []cond) cond { return join(cs, " OR ", "0") }

func join(cs []cond, op, empty string) cond {
	if len(cs) == 0 {
		return cond{sql: empty}
	}
	var out cond
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = "(" + c.sql + ")"
		out.args = append(out.args, c.args...)
	}
	out.sql = strings.Join(parts, op)
	return out
}

// match compares a String column with a term value: equal, or starting with
// it for a prefix term. Byte-wise and case-sensitive, nothing special.
func match(col, value string, prefix bool) cond {
	if prefix {
		return cond{"startsWith(" + col + ", ?)", []any{value}}
	}
	return cond{col + " = ?", []any{value}}
}

// eventCond is the per-event condition of a term (FieldAnomaly excluded).
func eventCond(t store.Term) (cond, error) {
	switch t.Field {
	case store.FieldID:
		return or([]cond{match("flow_id", t.Value, t.Prefix), match("event_id", t.Value, t.Prefix),
			match("key", t.Value, t.Prefix)}), nil
	case store.FieldType:
		return match("type", t.Value, t.Prefix), nil
	case store.FieldSource:
		return match("source", t.Value, t.Prefix), nil
	case store.FieldTopic:
		return match("topic", t.Value, t.Prefix), nil
	case store.FieldKey:
		return match("key", t.Value, t.Prefix), nil
	case store.FieldHeader:
		v := match("v", t.Value, t.Prefix)
		return cond{"arrayExists((k, v) -> k = ? AND " + v.sql + ", header_keys, header_values)",
			append([]any{t.Name}, v.args...)}, nil
	case store.FieldText:
		return cond{"position(payload, ?) > 0", []any{t.Value}}, nil
	}
	return cond{}, fmt.Errorf("unknown search field %q", t.Field)
}

// anomalyKinds are the kinds a FieldAnomaly term names.
func anomalyKinds(t store.Term) []string {
	var ks []string
	for _, k := range store.AnomalyKinds {
		if k == t.Value || t.Prefix && strings.HasPrefix(k, t.Value) {
			ks = append(ks, k)
		}
	}
	return ks
}

// causalFlows selects the flows showing an orphan or out_of_order record
// among the flows that pass pre, as store.FlowAnomalies defines them,
// with array functions over each flow's records (18.16 lambdas cannot use
// columns from outside, so set tests go through arrayIntersect):
//
//   - orphan: a distinct non-empty causation ID missing from the event IDs;
//   - out_of_order: sort the records as (ID, time, role) for both roles,
//     role 0 being a record under its event ID and role 1 an effect under
//     its causation ID; an ID whose earliest entry is an effect, and that
//     is an event ID of the flow, has an effect strictly before its
//     earliest record (an effect at the same time sorts after it).
func causalFlows(kind string, pre cond) cond {
	if kind == store.AnomalyOrphan {
		return cond{`flow_id IN (
SELECT flow_id FROM (
  SELECT flow_id, groupUniqArray(event_id) AS uids, groupUniqArrayIf(causation_id, causation_id != '') AS causes
  FROM events WHERE ` + pre.sql + `
  GROUP BY flow_id
)
WHERE length(arrayIntersect(causes, uids)) < length(causes))`, pre.args}
	}
	return cond{`flow_id IN (
SELECT flow_id FROM (
  SELECT flow_id, uids, arrayMap(x -> tupleElement(x, 1), sorted) AS sid,
         arrayMap(x -> tupleElement(x, 3), sorted) AS srole
  FROM (
    SELECT flow_id, uids, arraySort(arrayConcat(
             arrayMap((i, t) -> (i, t, toUInt8(0)), ids, ts),
             arrayFilter(x -> tupleElement(x, 1) != '', arrayMap((c, t) -> (c, t, toUInt8(1)), cs, ts)))) AS sorted
    FROM (
      SELECT flow_id, groupArray(event_id) AS ids, groupArray(causation_id) AS cs,
             groupArray(time_ns) AS ts, groupUniqArray(event_id) AS uids
      FROM events WHERE ` + pre.sql + `
      GROUP BY flow_id
    )
  )
)
WHERE length(arrayIntersect(arrayFilter((i, r, p, n) -> r = 1 AND (n = 1 OR i != p),
  sid, srole, arrayPushFront(arrayPopBack(sid), ''), arrayEnumerate(sid)), uids)) > 0)`, pre.args}
}

// anomalyCond is the condition of a FieldAnomaly term on flow_id: each
// kind is a subquery over the flows passing pre. (18.16 cannot resolve
// such subqueries inside HAVING, so they go in WHERE.)
func anomalyCond(t store.Term, pre cond) cond {
	var cs []cond
	for _, k := range anomalyKinds(t) {
		switch k {
		case store.AnomalyDuplicate:
			cs = append(cs, cond{`flow_id IN (SELECT flow_id FROM events WHERE ` + pre.sql + `
GROUP BY flow_id HAVING uniqExact(topic, kafka_partition, kafka_offset, kafka_time_ns) > uniqExact(event_id))`, pre.args})
		case store.AnomalyDeadLetter:
			cs = append(cs, cond{"flow_id IN (SELECT flow_id FROM events WHERE (" + pre.sql + ") AND dead_letter = 1)", pre.args})
		case store.AnomalyOrphan, store.AnomalyOutOfOrder:
			cs = append(cs, causalFlows(k, pre))
		}
	}
	return or(cs)
}

// prefilter narrows a search to flows that can match, through the lookup
// tables: flows whose time range meets the window, and the flows an exact
// id: or key: term names. It may let through more than match (a flow's
// range can span the window without an event in it): the HAVING
// conditions decide.
func prefilter(q store.FlowQuery) cond {
	var cs []cond
	if !q.From.IsZero() || !q.To.IsZero() {
		cs = append(cs, cond{"flow_id IN (SELECT flow_id FROM flow_times WHERE max_ns >= ? AND min_ns < ?)",
			[]any{fromNanos(q.From), toNanos(q.To)}})
	}
	for _, t := range q.Terms {
		if t.Negate || t.Prefix || t.Value == "" { // event_keys holds no empty key
			continue
		}
		switch t.Field {
		case store.FieldID:
			cs = append(cs, cond{`flow_id = ? OR flow_id IN (SELECT flow_id FROM events_by_id WHERE event_id = ?)
OR flow_id IN (SELECT flow_id FROM event_keys WHERE key = ?)`, []any{t.Value, t.Value, t.Value}})
		case store.FieldKey:
			cs = append(cs, cond{"flow_id IN (SELECT flow_id FROM event_keys WHERE key = ?)", []any{t.Value}})
		}
	}
	return and(cs)
}

// fromNanos and toNanos bound a time window; zero means unbounded.
func fromNanos(t time.Time) int64 {
	if t.IsZero() {
		return zeroNanos
	}
	return t.UnixNano()
}

func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 1<<63 - 1
	}
	return t.UnixNano()
}
