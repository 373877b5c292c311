package clickhouse

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

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

// and is every one of cs (those always true, "1", left out).
func and(cs []cond) cond {
	var keep []cond
	for _, c := range cs {
		if c.sql != "1" {
			keep = append(keep, c)
		}
	}
	return join(keep, " AND ", "1")
}

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

// eventCond is the per-event condition of a term (FieldAnomaly excluded);
// ix: events has the text index (textindex.go).
func eventCond(t store.Term, ix bool) (cond, error) {
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
		// store.TextMatches: case folded; bytes that are not UTF-8 are
		// compared with ASCII folding only. unicode.ToLower turns U+0130
		// and U+212A into "i" and "k", which ClickHouse does not: a text
		// with those letters is looked for in payloads where they are
		// replaced first.
		// An ASCII text needs ASCII folding only (then those two runes
		// are the only others that fold to its letters), which ClickHouse
		// does several times faster than UTF-8 folding.
		v, hay := foldASCII.Replace(t.Value), "payload"
		if strings.ContainsAny(v, "iIkK") {
			hay = "replaceAll(replaceAll(payload, '\u0130', 'i'), '\u212A', 'k')"
		}
		c := cond{"positionCaseInsensitive(" + hay + ", ?) > 0", []any{v}}
		if utf8.ValidString(v) && !isASCII(v) {
			c = cond{"positionCaseInsensitiveUTF8(" + hay + ", ?) > 0", []any{v}}
		}
		if ix { // lets the server skip granules (always true where c is)
			c = and([]cond{textIndexCond(t.Value), c})
		}
		return c, nil
	}
	return cond{}, fmt.Errorf("unknown search field %q", t.Field)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII replaces the runes unicode.ToLower turns into ASCII letters.
var foldASCII = strings.NewReplacer("\u0130", "i", "\u212A", "k")

// mergedColumns are the merged flow_summary states a search may test, by
// the alias its conditions use.
var mergedColumns = []struct{ alias, sql string }{
	{"n", "uniqExactArrayMerge(records)"},
	{"nit", "uniqExactArrayMerge(id_topics)"},
	{"it", "groupArrayArrayMerge(id_times)"},
	{"ct", "groupArrayArrayMerge(cause_times)"},
	{"dl", "maxMerge(dead_letter)"},
	{"svcs", "groupUniqArrayArrayMerge(services)"},
	{"typs", "groupUniqArrayArrayMerge(types)"},
	{"tops", "groupUniqArrayArrayMerge(topics)"},
}

// Anomalies on merged states, as store.FlowAnomalies defines them (18.16
// lambdas cannot use columns from outside, so set tests go through
// arrayIntersect): it holds (event ID hash, time) per record, ct
// (causation ID hash, time) per record with a cause.
const (
	uidsSQL = "arrayReduce('groupUniqArray', arrayMap(x -> tupleElement(x, 1), it))"
	// orphan: a distinct causation ID missing from the event IDs.
	orphanSQL = "length(arrayIntersect(arrayReduce('groupUniqArray', arrayMap(x -> tupleElement(x, 1), ct)), " +
		uidsSQL + ")) < length(arrayReduce('groupUniqArray', arrayMap(x -> tupleElement(x, 1), ct)))"
	// out_of_order: sort both roles as (ID, time, role), role 0 a record
	// under its event ID, 1 an effect under its causation ID; an ID whose
	// earliest entry is an effect, and that is an event ID of the flow, has
	// an effect strictly before its earliest record (a tie sorts the
	// record first).
	outOfOrderSQL = `length(arrayIntersect(arrayFilter((i, r, p, k) -> r = 1 AND (k = 1 OR i != p),
  arrayMap(x -> tupleElement(x, 1), arraySort(arrayConcat(
    arrayMap(x -> (tupleElement(x, 1), tupleElement(x, 2), toUInt8(0)), it),
    arrayMap(x -> (tupleElement(x, 1), tupleElement(x, 2), toUInt8(1)), ct))) AS ooo_sorted) AS ooo_ids,
  arrayMap(x -> tupleElement(x, 3), ooo_sorted),
  arrayPushFront(arrayPopBack(ooo_ids), toUInt64(0)),
  arrayEnumerate(ooo_ids)), ` + uidsSQL + `)) > 0`
)

// kindsCond selects the flows showing any of kinds among those passing
// pre, one subquery per kind, each merging only the states its kind needs
// (and, for orphans and out-of-order effects, only for flagged flows):
// together far less than merging every state for every flow.
func kindsCond(kinds []string, pre cond) cond {
	var cs []cond
	for _, k := range kinds {
		need := map[string]bool{}
		kc := anomalyCond(k, need)
		cols := "flow_id"
		for _, c := range mergedColumns {
			if need[c.alias] {
				cols += ", " + c.sql + " AS " + c.alias
			}
		}
		where := pre
		if m := kindFlags[k]; m&flagAny == 0 {
			where = and([]cond{pre, {`flow_id IN (SELECT flow_id FROM (
  SELECT flow_id, groupBitOrMerge(flags) AS fl FROM flow_summary WHERE ` + pre.sql + ` GROUP BY flow_id
) WHERE bitAnd(fl, ?) != 0)`, append(append([]any{}, pre.args...), m)}})
		}
		cs = append(cs, cond{`flow_id IN (SELECT flow_id FROM (
  SELECT ` + cols + ` FROM flow_summary WHERE ` + where.sql + ` GROUP BY flow_id
) WHERE ` + kc.sql + `)`, append(append([]any{}, where.args...), kc.args...)})
	}
	return or(cs)
}

// kindFlags are the flow_rows flags (rollup.go) a flow showing each kind
// has in some write; flagAny stands for "any flow" (a duplicate may span
// writes that each look clean).
var kindFlags = map[string]uint64{
	store.AnomalyDeadLetter: flagDeadLetter,
	store.AnomalyOrphan:     flagCauseOutside,
	store.AnomalyOutOfOrder: flagCausal,
	store.AnomalyDuplicate:  flagAny,
}

const flagAny = 1 << 63

// anomalyCond is the condition of one kind on the merged states, and the
// states it needs.
func anomalyCond(kind string, need map[string]bool) cond {
	switch kind {
	case store.AnomalyDeadLetter:
		need["dl"] = true
		return cond{sql: "dl = 1"}
	case store.AnomalyDuplicate:
		// an event ID twice on one topic: more records than (ID, topic)
		// pairs. (Rows written before migration 0008 by a development
		// build have no pairs; the summaries fall back for them, searches
		// do not: that would merge every flow's IDs.)
		need["n"], need["nit"] = true, true
		return cond{sql: "n > nit"}
	case store.AnomalyOrphan:
		need["it"], need["ct"] = true, true
		return cond{sql: orphanSQL}
	case store.AnomalyOutOfOrder:
		need["it"], need["ct"] = true, true
		return cond{sql: outOfOrderSQL}
	}
	return cond{sql: "0"}
}

// arrayMatch tests a merged array of distinct values against a term value.
func arrayMatch(alias string, t store.Term) cond {
	if t.Prefix {
		return cond{"arrayExists(x -> startsWith(x, ?), " + alias + ")", []any{t.Value}}
	}
	return cond{"has(" + alias + ", ?)", []any{t.Value}}
}

// termCond is a term as a condition on flow_id (fc, in WHERE: a lookup
// table or events) or on the merged states (mc, after GROUP BY), and
// records in need the states mc uses. Exact positive id: and key: terms
// are the prefilter's (fc and mc both empty).
func termCond(t store.Term, pre cond, need map[string]bool, ix bool) (fc, mc cond, err error) {
	switch t.Field {
	case store.FieldType:
		need["typs"] = true
		return cond{}, negate(arrayMatch("typs", t), t.Negate), nil
	case store.FieldSource:
		need["svcs"] = true
		return cond{}, negate(arrayMatch("svcs", t), t.Negate), nil
	case store.FieldTopic:
		need["tops"] = true
		return cond{}, negate(arrayMatch("tops", t), t.Negate), nil
	case store.FieldAnomaly:
		var cs []cond
		var mask uint64
		for _, k := range anomalyKinds(t) {
			cs = append(cs, anomalyCond(k, need))
			mask |= kindFlags[k]
		}
		mc = negate(or(cs), t.Negate)
		if !t.Negate && len(cs) > 1 {
			return kindsCond(anomalyKinds(t), pre), cond{}, nil
		}
		if t.Negate || len(cs) == 0 || mask&flagAny != 0 {
			return cond{}, mc, nil
		}
		// Only flows some write flagged can show these kinds: merge the
		// arrays of those alone.
		return cond{`flow_id IN (SELECT flow_id FROM (
  SELECT flow_id, groupBitOrMerge(flags) AS fl FROM flow_summary WHERE ` + pre.sql + ` GROUP BY flow_id
) WHERE bitAnd(fl, ?) != 0)`, append(append([]any{}, pre.args...), mask)}, mc, nil
	case store.FieldPayload: // candidates only: searchFlowsIn decides
		return payloadCond(t, pre), cond{}, nil
	case store.FieldID, store.FieldKey:
		if !t.Prefix && t.Value != "" {
			if !t.Negate {
				return cond{}, cond{}, nil // prefilter
			}
			return negate(lookupCond(t), true), cond{}, nil
		}
	}
	ec, err := eventCond(t, ix)
	if err != nil {
		return cond{}, cond{}, err
	}
	in := "flow_id IN"
	if t.Negate {
		in = "flow_id NOT IN"
	}
	return cond{in + " (SELECT flow_id FROM events WHERE internal = 0 AND (" + pre.sql + ") AND (" + ec.sql + "))",
		append(append([]any{}, pre.args...), ec.args...)}, cond{}, nil
}

// lookupCond selects the flows an exact, non-empty id: or key: value
// names, through the lookup tables.
func lookupCond(t store.Term) cond {
	if t.Field == store.FieldKey {
		return cond{"flow_id IN (SELECT flow_id FROM event_keys WHERE key = ?)", []any{t.Value}}
	}
	return cond{`flow_id = ? OR flow_id IN (SELECT flow_id FROM events_by_id WHERE event_id = ?)
OR flow_id IN (SELECT flow_id FROM event_keys WHERE key = ?)`, []any{t.Value, t.Value, t.Value}}
}

// prefilter narrows a search to flows that can match, through the lookup
// tables: flows whose time range meets the window (when times), and the
// flows an exact id: or key: term names. It may let through more than match (a flow's
// range can span the window without an event in it): the HAVING
// conditions decide.
func prefilter(q store.FlowQuery, times bool) cond {
	var cs []cond
	if times && (!q.From.IsZero() || !q.To.IsZero()) {
		cs = append(cs, cond{"flow_id IN (SELECT flow_id FROM flow_times WHERE max_ns >= ? AND min_ns < ?)",
			[]any{fromNanos(q.From), toNanos(q.To)}})
	}
	for _, t := range q.Terms {
		if t.Negate || t.Prefix || t.Value == "" { // event_keys holds no empty key
			continue
		}
		if t.Field == store.FieldID || t.Field == store.FieldKey {
			cs = append(cs, lookupCond(t))
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
