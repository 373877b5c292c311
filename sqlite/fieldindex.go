package sqlite

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	msqlite "modernc.org/sqlite"

	"github.com/eventscope/eventscope/store"
)

// The optional payload field read model (WithFieldIndex): one row per
// flow and payload field path (keys joined by "."), with what the flow's
// values there hold: the least and greatest number (numbers and strings
// that are numbers; NULL when none) and a 256-bit Bloom filter of their
// texts (store.PayloadMatches's text of each value that is not an object
// or array). A trigger fills it from each stored event through a Go
// function (fieldsFunc, one JSON decode per event) and merges the rows of
// a flow; switching it on fills it from the stored events.
//
// A payload field term first asks it for the flows that may match: the
// path is there, and, by the term's operator, a number above or below the
// bound or a value whose text may equal the term's (has: and prefix
// terms: the path alone). A field no flow has, or a value no flow may
// have, so costs an index range read instead of a decode of every
// payload. The flows it names are then checked on their events as
// without the model (store.PayloadMatches), so it never decides alone:
// rows left by deleted events only cost a check. As for text, few
// candidates (fieldFewHits) are looked up directly; many are checked flow
// by flow, newest first, one primary-key look-up each.
var fieldIndex = optional{
	name: "payload_fields",
	create: []string{
		`CREATE TABLE payload_fields (
	path    TEXT NOT NULL,
	flow_id TEXT NOT NULL,
	lo      REAL,
	hi      REAL,
	bloom   BLOB NOT NULL,
	PRIMARY KEY (path, flow_id)
) WITHOUT ROWID`,
		`CREATE TRIGGER payload_fields_insert AFTER INSERT ON events BEGIN
	INSERT INTO payload_fields (path, flow_id, lo, hi, bloom)
	SELECT value ->> 0, new.flow_id, value ->> 1, value ->> 2, unhex(value ->> 3)
	FROM json_each(` + fieldsFunc + `(new.payload)) WHERE true
	ON CONFLICT (path, flow_id) DO UPDATE SET
		lo = min(coalesce(lo, excluded.lo), coalesce(excluded.lo, lo)),
		hi = max(coalesce(hi, excluded.hi), coalesce(excluded.hi, hi)),
		bloom = ` + bloomOrFunc + `(bloom, excluded.bloom);
END`,
	},
	backfill: `INSERT INTO payload_fields (path, flow_id, lo, hi, bloom)
	SELECT j.value ->> 0, e.flow_id, j.value ->> 1, j.value ->> 2, unhex(j.value ->> 3)
	FROM events e, json_each(` + fieldsFunc + `(e.payload)) j WHERE true
	ON CONFLICT (path, flow_id) DO UPDATE SET
		lo = min(coalesce(lo, excluded.lo), coalesce(excluded.lo, lo)),
		hi = max(coalesce(hi, excluded.hi), coalesce(excluded.hi, hi)),
		bloom = ` + bloomOrFunc + `(bloom, excluded.bloom)`,
	drop: []string{
		`DROP TRIGGER IF EXISTS payload_fields_insert`,
		`DROP TABLE IF EXISTS payload_fields`,
	},
}

// Go functions of the field read model.
const (
	// fieldsFunc(payload): a JSON array of [path, lo, hi, bloom-hex], one
	// per path of the payload.
	fieldsFunc = "eventscope_payload_fields"
	// bloomOrFunc(a, b): the union of two filters.
	bloomOrFunc = "eventscope_bloom_or"
	// bloomHasFunc(bloom, text): 1 when the filter may hold text.
	bloomHasFunc = "eventscope_bloom_has"
)

// bloomBytes is the size of a filter: 256 bits, 3 per text, so a flow
// with 20 distinct values at a path passes a value it lacks about once in
// 80.
const bloomBytes = 32

func bloomBits(text string) [3]uint {
	h := fnv.New64a()
	h.Write([]byte(text))
	v := h.Sum64()
	h1, h2 := uint(v), uint(v>>32)|1
	return [3]uint{h1 % (bloomBytes * 8), (h1 + h2) % (bloomBytes * 8), (h1 + 2*h2) % (bloomBytes * 8)}
}

// pathFields is what one payload holds at one path.
type pathFields struct {
	lo, hi float64
	nums   bool
	bloom  [bloomBytes]byte
}

// payloadFields summarises a payload per path, in the form fieldsFunc
// returns.
func payloadFields(payload []byte) string {
	paths := map[string]*pathFields{}
	var order []string
	store.WalkPayload(payload, func(path []string, kind, text string) bool {
		p := strings.Join(path, ".")
		f := paths[p]
		if f == nil {
			f = &pathFields{}
			paths[p] = f
			order = append(order, p)
		}
		if kind == store.KindObject || kind == store.KindArray {
			return true
		}
		for _, b := range bloomBits(text) {
			f.bloom[b/8] |= 1 << (b % 8)
		}
		if kind == store.KindNumber || kind == store.KindString {
			if v, ok := store.ParseNumber(text); ok && !math.IsInf(v, 0) {
				if !f.nums || v < f.lo {
					f.lo = v
				}
				if !f.nums || v > f.hi {
					f.hi = v
				}
				f.nums = true
			}
		}
		return true
	})
	rows := make([][4]any, 0, len(order))
	for _, p := range order {
		f := paths[p]
		row := [4]any{p, nil, nil, hex.EncodeToString(f.bloom[:])}
		if f.nums {
			row[1], row[2] = f.lo, f.hi
		}
		rows = append(rows, row)
	}
	b, _ := json.Marshal(rows) // strings and finite numbers only
	return string(b)
}

func init() {
	msqlite.MustRegisterDeterministicScalarFunction(fieldsFunc, 1, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return payloadFields(blob(args[0])), nil
	})
	msqlite.MustRegisterDeterministicScalarFunction(bloomOrFunc, 2, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		a, b := blob(args[0]), blob(args[1])
		out := make([]byte, bloomBytes)
		for i := range out {
			if i < len(a) {
				out[i] |= a[i]
			}
			if i < len(b) {
				out[i] |= b[i]
			}
		}
		return out, nil
	})
	msqlite.MustRegisterDeterministicScalarFunction(bloomHasFunc, 2, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		f := blob(args[0])
		if len(f) != bloomBytes {
			return int64(1), nil
		}
		for _, b := range bloomBits(string(blob(args[1]))) {
			if f[b/8]&(1<<(b%8)) == 0 {
				return int64(0), nil
			}
		}
		return int64(1), nil
	})
}

// fieldFewHits is the most flows the read model may name for a field
// term for them to be looked up directly.
const fieldFewHits = 2000

// fieldCond is the read model's condition on p (a payload_fields row)
// for flows that may match tm.
func fieldCond(tm store.Term) (string, []any) {
	c, args := "p.path = ?", []any{tm.Name}
	switch tm.Op {
	case store.OpEq:
		if !tm.Prefix {
			c += " AND " + bloomHasFunc + "(p.bloom, ?)"
			args = append(args, []byte(tm.Value))
		}
	case store.OpGT, store.OpGE, store.OpLT, store.OpLE:
		v, ok := store.ParseNumber(tm.Value)
		if !ok {
			return "0", nil // compares with nothing (the parser refuses it first)
		}
		col := map[store.Op]string{store.OpGT: "p.hi > ?", store.OpGE: "p.hi >= ?", store.OpLT: "p.lo < ?", store.OpLE: "p.lo <= ?"}[tm.Op]
		c += " AND " + col
		args = append(args, v)
	}
	return c, args
}

// fieldPlan is the read model's part of a payload term's condition.
type fieldPlan struct {
	few bool // the model names few flows: look them up
}

// fieldPlans decides, for each payload term of a query when the read
// model is on, whether the flows it names are few; keyed by fieldKey.
func (s *Store) fieldPlans(ctx context.Context, terms []store.Term) (map[string]fieldPlan, error) {
	if !s.opts.fieldIndex {
		return nil, nil
	}
	plans := map[string]fieldPlan{}
	for _, tm := range terms {
		if tm.Field != store.FieldPayload {
			continue
		}
		c, args := fieldCond(tm)
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM payload_fields p WHERE `+c+` LIMIT ?)`,
			append(args, fieldFewHits+1)...).Scan(&n); err != nil {
			return nil, fmt.Errorf("count field candidates: %w", err)
		}
		plans[fieldKey(tm)] = fieldPlan{few: n <= fieldFewHits}
	}
	return plans, nil
}

func fieldKey(tm store.Term) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%t", tm.Name, tm.Op, tm.Value, tm.Prefix)
}

// indexedField is the read model's condition on flows f for tm.
func indexedField(tm store.Term, p fieldPlan) (string, []any) {
	c, args := fieldCond(tm)
	if p.few {
		return "f.flow_id IN (SELECT flow_id FROM payload_fields p WHERE " + c + ")", args
	}
	return "EXISTS (SELECT 1 FROM payload_fields p WHERE p.flow_id = f.flow_id AND " + c + ")", args
}
