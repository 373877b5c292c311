package sqlite

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"unicode/utf8"

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
// (store.PayloadNeedle) are skipped by instr() before any decoding.
func payloadTerm(tm store.Term) (string, []any) {
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
// has a payload containing the text, ignoring case. Text of three or more
// UTF-8 runes without NUL is looked up in the trigram index (payload_fts,
// migrations 0014 and 0015) by its trigrams; each event found is checked
// with store.TextMatches (the index keeps no positions and folds case its
// own way). Shorter text (the index holds trigrams only) and text that is
// not UTF-8 scan the flows' payloads.
func textTerm(text string) (string, []any) {
	if utf8.ValidString(text) && utf8.RuneCountInString(text) >= 3 && !strings.ContainsRune(text, 0) {
		return "f.flow_id IN (SELECT flow_id FROM events WHERE id IN (SELECT rowid FROM payload_fts WHERE payload_fts MATCH ?) AND " +
			textFunc + "(payload, ?))", []any{trigrams(text), []byte(text)}
	}
	return inFlow(textFunc + "(e.payload, ?)"), []any{[]byte(text)}
}

// maxTrigrams bounds the trigrams a text query looks up: any of them
// narrow the candidates, which Go then checks.
const maxTrigrams = 12

// trigrams is an FTS5 query for payloads holding every trigram of text
// (the index keeps no positions, detail=none: the phrase itself is
// checked in Go), at most maxTrigrams of them spread over the text.
func trigrams(text string) string {
	rs := []rune(text)
	n := len(rs) - 2
	step := max(1, n/maxTrigrams)
	seen := map[string]bool{}
	var parts []string
	for i := 0; i < n; i += step {
		g := string(rs[i : i+3])
		if k := strings.ToLower(g); !seen[k] {
			seen[k] = true
			parts = append(parts, `"`+strings.ReplaceAll(g, `"`, `""`)+`"`)
		}
	}
	if last := `"` + strings.ReplaceAll(string(rs[n-1:]), `"`, `""`) + `"`; !seen[strings.ToLower(string(rs[n-1:]))] {
		parts = append(parts, last)
	}
	return strings.Join(parts, " AND ")
}
