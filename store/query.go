package store

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/eventscope/eventscope/diagnose"
)

// QueryError is a search query that could not be parsed. Pos is the byte
// offset in the query where the problem starts.
type QueryError struct {
	Pos int
	Msg string
}

func (e *QueryError) Error() string { return fmt.Sprintf("at position %d: %s", e.Pos+1, e.Msg) }

// ParseQuery parses the search language into a FlowQuery (Limit and Cursor
// unset). Terms are separated by spaces and ANDed; "-" before a term negates
// it:
//
//	ord-42                 a bare token: correlation ID, event ID or key, exact
//	id:VALUE               the same, spelled out (for IDs that contain ':')
//	type:OrderPlaced source:kitchen topic:payments* key:abc
//	header:tenant=42       a header's name and value
//	anomaly:duplicate      flows showing an anomaly kind (one of AnomalyKinds)
//	status:failed          flows in a status (one of Statuses)
//	after:2026-11-01T10:00 before:-15m   the time window (absolute or relative to now)
//	"free text"            a substring of a payload
//	payload.customer.id:cus-1001   a field of a JSON payload (see PayloadMatches)
//	payload.amount>500     also >=, <, <= (numbers only)
//	has:payload.refund     the field exists
//
// A trailing "*" makes a value a prefix; values may be quoted ("a b").
// Relative times are negative durations ("-15m", "-2h", "-7d"); absolute ones
// are RFC 3339, or a date, or a date and time without zone (read as UTC).
func ParseQuery(s string, now time.Time) (FlowQuery, error) {
	var q FlowQuery
	p := &lexer{s: s}
	for {
		tok, ok, err := p.next()
		if err != nil {
			return FlowQuery{}, err
		}
		if !ok {
			return q, nil
		}
		if err := q.add(tok, now); err != nil {
			return FlowQuery{}, err
		}
	}
}

// token is one term as written: [-]field:value or [-]value, value maybe quoted.
type token struct {
	pos, valPos int
	negate      bool
	field       string // "" for a bare value
	value       string
	quoted      bool
	op          Op   // a payload field's comparison ("" for ':')
	payload     bool // field is "payload.PATH", at fieldPos
	fieldPos    int
}

type lexer struct {
	s   string
	pos int
}

func (l *lexer) next() (token, bool, error) {
	for l.pos < len(l.s) {
		r, n := utf8.DecodeRuneInString(l.s[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	if l.pos >= len(l.s) {
		return token{}, false, nil
	}
	t := token{pos: l.pos}
	if l.s[l.pos] == '-' && l.pos+1 < len(l.s) && !isSpaceByte(l.s[l.pos+1]) {
		t.negate = true
		l.pos++
	}
	if end, op, ok := l.payloadField(); ok {
		t.field, t.op, t.payload, t.fieldPos = l.s[l.pos:end], op, true, l.pos
		l.pos = end + len(op)
		if op == OpEq {
			l.pos++ // the ':'
		}
	} else if l.pos < len(l.s) && l.s[l.pos] != '"' {
		// a field name is letters up to a ':'
		end := l.pos
		for end < len(l.s) && (isLetter(l.s[end]) || l.s[end] == '_') {
			end++
		}
		if end > l.pos && end < len(l.s) && l.s[end] == ':' {
			t.field = strings.ToLower(l.s[l.pos:end])
			l.pos = end + 1
		}
	}
	t.valPos = l.pos
	if l.pos < len(l.s) && l.s[l.pos] == '"' {
		v, err := l.quoted()
		if err != nil {
			return token{}, false, err
		}
		t.value, t.quoted = v, true
		if l.pos < len(l.s) && !isSpaceByte(l.s[l.pos]) {
			return token{}, false, &QueryError{l.pos, "expected a space after the closing quote"}
		}
		return t, true, nil
	}
	start := l.pos
	for l.pos < len(l.s) {
		r, n := utf8.DecodeRuneInString(l.s[l.pos:])
		if unicode.IsSpace(r) {
			break
		}
		if r == '"' {
			return token{}, false, &QueryError{l.pos, `unexpected '"' inside a value: quote the whole value`}
		}
		l.pos += n
	}
	t.value = l.s[start:l.pos]
	return t, true, nil
}

// payloadField reports whether a payload field starts at l.pos
// ("payload." and a path up to ':', '<', '>', a space or a quote), where
// its path ends and its operator.
func (l *lexer) payloadField() (end int, op Op, ok bool) {
	const p = "payload."
	if len(l.s)-l.pos < len(p) || !strings.EqualFold(l.s[l.pos:l.pos+len(p)], p) {
		return 0, "", false
	}
	end = l.pos + len(p)
	for end < len(l.s) && strings.IndexByte(":<> \t\r\n\"", l.s[end]) < 0 {
		end++
	}
	rest := l.s[end:]
	switch {
	case strings.HasPrefix(rest, ":"):
		return end, OpEq, true
	case strings.HasPrefix(rest, ">="), strings.HasPrefix(rest, "<="):
		return end, Op(rest[:2]), true
	case strings.HasPrefix(rest, ">"), strings.HasPrefix(rest, "<"):
		return end, Op(rest[:1]), true
	}
	return 0, "", false
}

// quoted reads a "..." string with \" and \\ escapes.
func (l *lexer) quoted() (string, error) {
	open := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == '\\' && l.pos+1 < len(l.s):
			b.WriteByte(l.s[l.pos+1])
			l.pos += 2
		case c == '"':
			l.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return "", &QueryError{open, "unterminated quote"}
}

func isLetter(c byte) bool    { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

var termFields = map[string]Field{
	"id": FieldID, "type": FieldType, "source": FieldSource, "topic": FieldTopic,
	"key": FieldKey, "header": FieldHeader, "anomaly": FieldAnomaly, "text": FieldText,
	"status": FieldStatus,
}

func (q *FlowQuery) add(t token, now time.Time) error {
	if t.value == "" {
		if t.field != "" {
			return &QueryError{t.valPos, fmt.Sprintf("%s: needs a value", t.field)}
		}
		return &QueryError{t.pos, "empty term"}
	}
	if t.payload {
		return q.addPayload(t)
	}
	switch t.field {
	case "after", "before":
		if t.negate {
			return &QueryError{t.pos, t.field + ": cannot be negated"}
		}
		tm, err := parseTime(t.value, now)
		if err != nil {
			return &QueryError{t.valPos, t.field + ": " + err.Error()}
		}
		if t.field == "after" {
			q.From = tm
		} else {
			q.To = tm
		}
		return nil
	case "has":
		if len(t.value) < len("payload.") || !strings.EqualFold(t.value[:len("payload.")], "payload.") {
			return &QueryError{t.valPos, "has: want has:payload.PATH"}
		}
		path, err := payloadPath(t.value, t.valPos)
		if err != nil {
			return err
		}
		q.Terms = append(q.Terms, Term{Field: FieldPayload, Name: path, Op: OpHas, Negate: t.negate})
		return nil
	case "":
		f := FieldID
		if t.quoted {
			f = FieldText
		}
		q.Terms = append(q.Terms, Term{Field: f, Value: t.value, Negate: t.negate})
		return nil
	}
	f, ok := termFields[t.field]
	if !ok {
		return &QueryError{t.pos, fmt.Sprintf("unknown field %q (want type, source, topic, key, header, anomaly, status, id, text, has, payload.PATH, after or before; quote a value that contains ':')", t.field)}
	}
	term := Term{Field: f, Value: t.value, Negate: t.negate}
	if !t.quoted && f != FieldText && strings.HasSuffix(term.Value, "*") {
		term.Value, term.Prefix = strings.TrimSuffix(term.Value, "*"), true
	}
	switch f {
	case FieldHeader:
		name, value, found := strings.Cut(term.Value, "=")
		if !found || name == "" {
			return &QueryError{t.valPos, "header: want header:NAME=VALUE"}
		}
		term.Name, term.Value = name, value
	case FieldAnomaly:
		if !validAnomaly(term.Value) || term.Prefix {
			return &QueryError{t.valPos, fmt.Sprintf("anomaly: unknown kind %q (want one of %s)", t.value, strings.Join(AnomalyKinds, ", "))}
		}
	case FieldStatus:
		if _, ok := diagnose.StatusOf(term.Value); !ok || term.Prefix {
			return &QueryError{t.valPos, fmt.Sprintf("status: unknown status %q (want one of %s)", t.value, strings.Join(Statuses, ", "))}
		}
	}
	q.Terms = append(q.Terms, term)
	return nil
}

// addPayload adds a payload field term: payload.PATH:VALUE[*] or
// payload.PATH>NUMBER (>=, <, <=).
func (q *FlowQuery) addPayload(t token) error {
	path, err := payloadPath(t.field, t.fieldPos)
	if err != nil {
		return err
	}
	term := Term{Field: FieldPayload, Name: path, Value: t.value, Op: t.op, Negate: t.negate}
	if t.op == OpEq {
		if !t.quoted && strings.HasSuffix(term.Value, "*") {
			term.Value, term.Prefix = strings.TrimSuffix(term.Value, "*"), true
		}
	} else if _, ok := ParseNumber(t.value); !ok {
		return &QueryError{t.valPos, fmt.Sprintf("%s%s: want a number, not %q", t.field, t.op, t.value)}
	}
	q.Terms = append(q.Terms, term)
	return nil
}

// payloadPath checks a "payload.a.b" field written at pos and returns its
// path "a.b": keys are not empty and hold no '*', '=', '[' or ']'.
func payloadPath(field string, pos int) (string, error) {
	path := field[len("payload."):]
	at := pos + len("payload.")
	for _, k := range strings.Split(path, ".") {
		if k == "" {
			return "", &QueryError{at, fmt.Sprintf("bad payload path %q: empty key (want payload.key.key…)", field)}
		}
		if i := strings.IndexAny(k, "*=[]"); i >= 0 {
			return "", &QueryError{at + i, fmt.Sprintf("bad payload path %q: %q in a key (arrays need no index: payload.items.sku)", field, k[i])}
		}
		at += len(k) + 1
	}
	return path, nil
}

func validAnomaly(k string) bool {
	_, ok := diagnose.KindOf(k)
	return ok
}

// parseTime reads an absolute time or a negative duration relative to now
// ("-15m", "-2h", "-7d").
func parseTime(v string, now time.Time) (time.Time, error) {
	if strings.HasPrefix(v, "-") {
		if d, ok := strings.CutSuffix(v[1:], "d"); ok {
			var n int
			if _, err := fmt.Sscanf(d, "%d", &n); err != nil || fmt.Sprint(n) != d {
				return time.Time{}, fmt.Errorf("bad relative time %q (want e.g. -15m, -2h, -7d)", v)
			}
			return now.Add(-time.Duration(n) * 24 * time.Hour).UTC(), nil
		}
		d, err := time.ParseDuration(v[1:])
		if err != nil || d < 0 {
			return time.Time{}, fmt.Errorf("bad relative time %q (want e.g. -15m, -2h, -7d)", v)
		}
		return now.Add(-d).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q (want RFC 3339 like 2026-11-01T10:00:00Z, 2026-11-01T10:00, 2026-11-01, or -15m)", v)
}
