package sqlite

import (
	"database/sql/driver"
	"fmt"

	msqlite "modernc.org/sqlite"

	"github.com/eventscope/eventscope/store"
)

// payloadFunc is the SQL function payload_field(payload, path, op, value,
// prefix): 1 when store.PayloadMatches accepts the payload, so that the
// embedded store and every other backend share one definition of a field
// match. It runs in Go, once per candidate payload (a JSON decode each).
const payloadFunc = "eventscope_payload_field"

// textFunc is eventscope_text(payload, text): 1 when store.TextMatches.
const textFunc = "eventscope_text"

func init() {
	msqlite.MustRegisterDeterministicScalarFunction(textFunc, 2, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if store.TextMatches(blob(args[0]), string(blob(args[1]))) {
			return int64(1), nil
		}
		return int64(0), nil
	})
	msqlite.MustRegisterDeterministicScalarFunction(payloadFunc, 5, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		payload := blob(args[0])
		path, _ := args[1].(string)
		op, _ := args[2].(string)
		value, _ := args[3].(string)
		prefix, _ := args[4].(int64)
		t := store.Term{Field: store.FieldPayload, Name: path, Op: store.Op(op), Value: value, Prefix: prefix != 0}
		if store.PayloadMatches(t, payload) {
			return int64(1), nil
		}
		return int64(0), nil
	})
}

// payloadTerm is the condition of a payload field term: some event of the
// flow has a matching payload. Payloads without the field's last key
// (store.PayloadNeedle) are skipped by instr() before any decoding; with
// the field read model on, flows it rules out are skipped before that
// (fieldindex.go).
func (w *where) payloadTerm(tm store.Term) (string, []any) {
	prefix := 0
	if tm.Prefix {
		prefix = 1
	}
	c := fmt.Sprintf("%s(e.payload, ?, ?, ?, ?)", payloadFunc)
	args := []any{tm.Name, string(tm.Op), tm.Value, prefix}
	if n := store.PayloadNeedle(tm.Name); n != "" {
		c = "instr(e.payload, ?) > 0 AND " + c
		args = append([]any{[]byte(n)}, args...)
	}
	if p, ok := w.fields[fieldKey(tm)]; ok {
		ic, ia := indexedField(tm, p)
		return "(" + ic + " AND " + inFlow(c) + ")", append(ia, args...)
	}
	return inFlow(c), args
}

func blob(v driver.Value) []byte {
	switch p := v.(type) {
	case []byte:
		return p
	case string:
		return []byte(p)
	}
	return nil
}

// textTerm is the condition of a quoted text term: some event of the flow
// has a payload containing the text, ignoring case (store.TextMatches, in
// Go): a scan of the flows' payloads, newest flows first, stopping when
// the page is full; with the text index on and few events holding the
// text's trigrams, the flows of those events (textindex.go).
func (w *where) textTerm(text string) (string, []any) {
	if match, ok := w.text[text]; ok {
		return indexedText(text, match)
	}
	return inFlow(textFunc + "(e.payload, ?)"), []any{[]byte(text)}
}
