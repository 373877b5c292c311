package clickhouse

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// The payload field read model (migrations/0013_payload_fields.sql):
// Write adds, per flow and path of its payloads, the numeric bounds
// (payload_path_rows → payload_paths, payload_path_days) and the values
// (payload_values). A payload term asks it first (payloadAbsent), then
// takes its flows from it (payloadCond). It holds exactly what
// store.PayloadMatches sees (the same walk, store.SummarizePaths; a path
// with a key holding "." is stored under a NUL first, so no term names
// it), so a positive has:, comparison or indexed exact term is decided by
// it alone (decided): Go reads the payloads of candidate flows only for
// the other terms (prefix, long values, negated).

// maxIndexedValue is the longest value text payload_values holds: a
// longer exact term is looked for with position() instead.
const maxIndexedValue = 256

type flowPath struct{ flow, path string }

type pathAgg struct {
	lastTime time.Time
	lo, hi   float64
}

type pathValue struct {
	path, value, flow string
}

// payloadRows is what one write adds to the payload field read model.
type payloadRows struct {
	paths  map[flowPath]*pathAgg
	values map[pathValue]time.Time
}

// payloadRollUp computes the payload field rows of a batch (internal
// records left out, as from every search).
func payloadRollUp(events []event.Event) *payloadRows {
	r := &payloadRows{paths: map[flowPath]*pathAgg{}, values: map[pathValue]time.Time{}}
	for i := range events {
		e := &events[i]
		if e.Internal || len(e.Payload) == 0 {
			continue
		}
		r.add(e.FlowID(), seconds(e.Time), e.Payload)
	}
	return r
}

// add adds one payload of flow, with its event time in seconds.
func (r *payloadRows) add(flow string, sec time.Time, payload []byte) {
	for _, pv := range store.SummarizePaths(payload) {
		if pv.Dotted {
			pv.Path = "\x00" + pv.Path
		}
		k := flowPath{flow, pv.Path}
		a := r.paths[k]
		if a == nil {
			a = &pathAgg{lastTime: sec, lo: math.Inf(1), hi: math.Inf(-1)}
			r.paths[k] = a
		}
		a.lastTime = maxTime(a.lastTime, sec)
		if pv.Nums {
			a.lo, a.hi = min(a.lo, pv.Lo), max(a.hi, pv.Hi)
		}
		for _, t := range pv.Texts {
			if len(t) <= maxIndexedValue {
				v := pathValue{pv.Path, t, flow}
				r.values[v] = maxTime(r.values[v], sec)
			}
		}
	}
}

// insertPayloadPaths inserts the payload_path_rows of r.
func insertPayloadPaths(ctx context.Context, conn driver.Conn, r *rollup) error {
	p := r.payload
	return insertRows(ctx, conn, "INSERT INTO payload_path_rows (flow_id, path, w_last_time, w_lo, w_hi)", len(p.paths), func(b driver.Batch) error {
		for k, a := range p.paths {
			if err := b.Append(k.flow, k.path, a.lastTime, a.lo, a.hi); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertPayloadValues inserts the payload_values of r.
func insertPayloadValues(ctx context.Context, conn driver.Conn, r *rollup) error {
	p := r.payload
	return insertRows(ctx, conn, "INSERT INTO payload_values (path, value, flow_id, last_time)", len(p.values), func(b driver.Batch) error {
		for k, t := range p.values {
			if err := b.Append(k.path, k.value, k.flow, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// decided reports whether the read model alone decides the payload term
// t (modelCond selects exactly the flows it matches).
func decided(t store.Term) bool {
	if t.Negate {
		return false
	}
	if t.Op == store.OpEq {
		return indexedValue(t)
	}
	return true // has: and comparisons (a non-number: no flow, modelCond)
}

// indexedValue reports whether payload_values answers the exact term t.
func indexedValue(t store.Term) bool {
	return t.Op == store.OpEq && !t.Prefix && len(t.Value) <= maxIndexedValue
}

// rangeHaving is the condition on a flow's merged bounds (lo, hi) that a
// comparison term needs: some value of the flow passes it.
func rangeHaving(t store.Term) (cond, bool) {
	v, ok := store.ParseNumber(t.Value)
	if !ok {
		return cond{}, false
	}
	switch t.Op {
	case store.OpGT:
		return cond{"hi > ?", []any{v}}, true
	case store.OpGE:
		return cond{"hi >= ?", []any{v}}, true
	case store.OpLT:
		return cond{"lo < ?", []any{v}}, true
	case store.OpLE:
		return cond{"lo <= ?", []any{v}}, true
	}
	return cond{}, false
}

// modelCond is the SQL side of a positive payload term from the read
// model: the flows that may match t (among those passing pre, which the
// search applies anyway).
func modelCond(t store.Term, pre cond) cond {
	if indexedValue(t) { // a primary-key range: pre (a window's flows) would only cost its set
		return cond{"flow_id IN (SELECT flow_id FROM payload_values WHERE path = ? AND value = ?)",
			[]any{t.Name, t.Value}}
	}
	if h, ok := rangeHaving(t); ok {
		return cond{`flow_id IN (SELECT flow_id FROM (
  SELECT flow_id, minMerge(lo) AS lo, maxMerge(hi) AS hi FROM payload_paths
  WHERE path = ? AND (` + pre.sql + `) GROUP BY flow_id
) WHERE ` + h.sql + `)`, append(append([]any{t.Name}, pre.args...), h.args...)}
	}
	if t.Op != store.OpEq && t.Op != store.OpHas { // not a number: no flow
		return cond{sql: "0"}
	}
	return cond{"flow_id IN (SELECT flow_id FROM payload_paths WHERE path = ? AND (" + pre.sql + "))",
		append([]any{t.Name}, pre.args...)}
}

// payloadAbsent reports whether the positive payload term t matches no
// stored flow, from the read model's summaries: no payload has the path,
// no value reaches the range, or no payload has the value; and whether
// t is an exact term that fewer than rareValue rows of payload_values
// hold (then the search needs no window: its candidates are few).
func (s *Store) payloadAbsent(ctx context.Context, t store.Term) (absent, rare bool, err error) {
	var n uint64
	var lo, hi float64
	if err := s.conn.QueryRow(ctx, `SELECT count(), minMerge(lo), maxMerge(hi) FROM payload_path_days WHERE path = ?`,
		t.Name).Scan(&n, &lo, &hi); err != nil {
		return false, false, fmt.Errorf("look up payload.%s: %w", t.Name, err)
	}
	if n == 0 {
		return true, false, nil
	}
	if t.Op != store.OpEq && t.Op != store.OpHas {
		v, ok := store.ParseNumber(t.Value)
		switch {
		case !ok:
			return true, false, nil
		case t.Op == store.OpGT:
			return !(hi > v), false, nil
		case t.Op == store.OpGE:
			return !(hi >= v), false, nil
		case t.Op == store.OpLT:
			return !(lo < v), false, nil
		case t.Op == store.OpLE:
			return !(lo <= v), false, nil
		}
	}
	if !indexedValue(t) {
		return false, false, nil
	}
	if err := s.conn.QueryRow(ctx, `SELECT count() FROM (SELECT flow_id FROM payload_values WHERE path = ? AND value = ? LIMIT ?)`,
		t.Name, t.Value, rareValue).Scan(&n); err != nil {
		return false, false, fmt.Errorf("look up payload.%s:%s: %w", t.Name, t.Value, err)
	}
	return n == 0, n < rareValue, nil
}

// rareValue is the number of payload_values rows under which an exact
// term is searched over every flow at once rather than newest first.
const rareValue = 1000
