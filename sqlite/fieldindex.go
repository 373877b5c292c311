package sqlite

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
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
	name: "payload_paths",
	create: []string{
		`CREATE TABLE payload_paths (
	path    TEXT NOT NULL,
	flow_id TEXT NOT NULL,
	lo      REAL,
	hi      REAL,
	b0      INTEGER NOT NULL, -- the Bloom filter's four 64-bit words
	b1      INTEGER NOT NULL,
	b2      INTEGER NOT NULL,
	b3      INTEGER NOT NULL,
	PRIMARY KEY (path, flow_id)
) WITHOUT ROWID`,
		`CREATE TRIGGER payload_paths_insert AFTER INSERT ON events BEGIN
	INSERT INTO payload_paths (path, flow_id, lo, hi, b0, b1, b2, b3)
	SELECT value ->> 0, new.flow_id, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
	FROM json_each(` + fieldsFunc + `(new.payload)) WHERE true
	ON CONFLICT (path, flow_id) DO UPDATE SET ` + mergePaths + `;
END`,
	},
	backfill: `INSERT INTO payload_paths (path, flow_id, lo, hi, b0, b1, b2, b3)
	SELECT j.value ->> 0, e.flow_id, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
	FROM events e, json_each(` + fieldsFunc + `(e.payload)) j WHERE true
	ON CONFLICT (path, flow_id) DO UPDATE SET ` + mergePaths,
	drop: []string{
		`DROP TRIGGER IF EXISTS payload_paths_insert`,
		`DROP TABLE IF EXISTS payload_paths`,
	},
}

// mergePaths folds a new row of a flow and path into the stored one.
const mergePaths = `lo = min(coalesce(lo, excluded.lo), coalesce(excluded.lo, lo)),
		hi = max(coalesce(hi, excluded.hi), coalesce(excluded.hi, hi)),
		b0 = b0 | excluded.b0, b1 = b1 | excluded.b1, b2 = b2 | excluded.b2, b3 = b3 | excluded.b3`

// fieldsFunc(payload) is the Go function of the field read model: a JSON
// array of [path, lo, hi, b0, b1, b2, b3], one per path of the payload.
const fieldsFunc = "eventscope_payload_fields"

// bloomBytes is the size of a filter: 256 bits (four SQLite integers,
// merged and tested with SQL's | and &), 3 per text, so a flow with 20
// distinct values at a path passes a value it lacks about once in 80.
const bloomBytes = 32

func bloomBits(text string) [3]uint {
	h := fnv.New64a()
	h.Write([]byte(text))
	v := h.Sum64()
	h1, h2 := uint(v), uint(v>>32)|1
	return [3]uint{h1 % (bloomBytes * 8), (h1 + h2) % (bloomBytes * 8), (h1 + 2*h2) % (bloomBytes * 8)}
}

// payloadFields summarises a payload per path (store.SummarizePaths), in
// the form fieldsFunc returns.
func payloadFields(payload []byte) string {
	paths := store.SummarizePaths(payload)
	rows := make([][7]any, 0, len(paths))
	for _, f := range paths {
		var bloom [bloomBytes]byte
		for _, text := range f.Texts {
			for _, b := range bloomBits(text) {
				bloom[b/8] |= 1 << (b % 8)
			}
		}
		row := [7]any{f.Path, nil, nil}
		if f.Nums {
			row[1], row[2] = f.Lo, f.Hi
		}
		for w := range 4 {
			row[3+w] = int64(binary.LittleEndian.Uint64(bloom[8*w:]))
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
			var f [bloomBytes]byte
			for _, b := range bloomBits(tm.Value) {
				f[b/8] |= 1 << (b % 8)
			}
			for w := range 4 {
				if m := int64(binary.LittleEndian.Uint64(f[8*w:])); m != 0 {
					c += fmt.Sprintf(" AND (p.b%d & ?) = ?", w)
					args = append(args, m, m)
				}
			}
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
	few bool  // the model names few flows: these
	ids []any // (flow IDs)
}

// fieldPlans asks the read model, for each payload term of a query when
// it is on, for the flows that may match: their IDs when few (so the
// search looks only at them), else a per-flow check; keyed by fieldKey.
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
		rows, err := s.r.QueryContext(ctx, `SELECT flow_id FROM payload_paths p WHERE `+c+` LIMIT ?`, append(args, fieldFewHits+1)...)
		if err != nil {
			return nil, fmt.Errorf("field candidates: %w", err)
		}
		var ids []any
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("field candidates: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("field candidates: %w", err)
		}
		p := fieldPlan{few: len(ids) <= fieldFewHits}
		if p.few {
			p.ids = ids
		}
		plans[fieldKey(tm)] = p
	}
	return plans, nil
}

func fieldKey(tm store.Term) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%t", tm.Name, tm.Op, tm.Value, tm.Prefix)
}

// indexedField is the read model's condition on flows f for tm.
func indexedField(tm store.Term, p fieldPlan) (string, []any) {
	switch {
	case p.few && len(p.ids) == 0:
		return "0", nil
	case p.few:
		return "f.flow_id IN (?" + strings.Repeat(", ?", len(p.ids)-1) + ")", p.ids
	}
	c, args := fieldCond(tm)
	return "EXISTS (SELECT 1 FROM payload_paths p WHERE p.flow_id = f.flow_id AND " + c + ")", args
}
