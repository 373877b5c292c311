package redact

import (
	"bytes"
	"encoding/json"

	"github.com/eventscope/eventscope/event"
)

// walker rewrites one JSON payload. masked collects the original strings
// that were masked or dropped, for the ID fields.
type walker struct {
	r      *Redactor
	masked []string
}

// value rewrites raw under the given path states. It returns raw itself
// when nothing under it changed, so untouched parts keep their bytes.
func (w *walker) value(raw []byte, states []state) ([]byte, bool, error) {
	switch firstByte(raw) {
	case '{':
		return w.container(raw, states, true)
	case '[':
		return w.container(raw, states, false)
	case '"':
		return w.embedded(raw, states)
	}
	return raw, false, nil
}

// embedded rewrites a JSON object or array carried inside a JSON string
// ("{\"email\":…}", a double-encoded payload) as if it stood in the
// string's place. Any other string is left as it is.
func (w *walker) embedded(raw []byte, states []state) ([]byte, bool, error) {
	if len(raw) < 4 || !mayHoldJSON(raw[1]) {
		return raw, false, nil
	}
	s, ok := jsonString(raw)
	if !ok {
		return raw, false, nil
	}
	body := event.JSONStart([]byte(s))
	if len(body) == 0 || (body[0] != '{' && body[0] != '[') || !jsonValid(body) {
		return raw, false, nil
	}
	sub, changed, err := w.value(body, states)
	if err != nil || !changed {
		return raw, false, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s[:len(s)-len(body)] + string(sub)); err != nil {
		return nil, false, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), true, nil
}

// mayHoldJSON reports whether a string whose first byte (after the quote)
// is c may hold JSON: {, [, white space, an escape or a byte order mark.
func mayHoldJSON(c byte) bool {
	switch c {
	case '{', '[', ' ', '\\', 0xef:
		return true
	}
	return false
}

// container walks the members of an object or the elements of an array.
func (w *walker) container(raw []byte, states []state, object bool) ([]byte, bool, error) {
	ms, err := members(raw, object, nil)
	if err != nil {
		return nil, false, err
	}
	changed := false
	var buf []state
	for i := range ms {
		m := &ms[i]
		idx := i
		if object {
			idx = -1
		}
		var act action
		buf, act = step(states, m.key, idx, buf)
		switch {
		case act == actDrop:
			w.note(m.value)
			m.value, changed = nil, true
		case act == actMask:
			masked, did := w.mask(m.value)
			m.value, changed = masked, changed || did
		case len(buf) > 0 && (firstByte(m.value) == '{' || firstByte(m.value) == '[' || firstByte(m.value) == '"'):
			// The recursion may reuse buf; give it its own copy.
			sub, did, err := w.value(m.value, append([]state(nil), buf...))
			if err != nil {
				return nil, false, err
			}
			m.value, changed = sub, changed || did
		}
	}
	if !changed {
		return raw, false, nil
	}
	out := make([]byte, 0, len(raw))
	open, closing := byte('['), byte(']')
	if object {
		open, closing = '{', '}'
	}
	out = append(out, open)
	n := 0
	for _, m := range ms {
		if m.value == nil {
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		if object {
			out = append(out, m.rawKey...)
			out = append(out, ':')
		}
		out = append(out, m.value...)
	}
	return append(out, closing), true, nil
}

// mask replaces a JSON value by the quoted hash of its text: the string
// itself for a string, the JSON text otherwise. A value that is already a
// masked token stays as it is.
func (w *walker) mask(raw []byte) ([]byte, bool) {
	s, isString := jsonString(raw)
	if !isString {
		s = compact(raw)
	}
	if w.r.isToken(s) {
		return raw, false
	}
	h := w.r.hash(s)
	w.masked = append(w.masked, s)
	q, _ := json.Marshal(h)
	return q, true
}

// note remembers a dropped string value for the ID fields.
func (w *walker) note(raw []byte) {
	if s, ok := jsonString(raw); ok {
		w.masked = append(w.masked, s)
	}
}

func jsonString(raw []byte) (string, bool) {
	if firstByte(raw) != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func compact(raw []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// firstByte is the first non-space byte of b, or 0.
func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

func jsonValid(b []byte) bool { return json.Valid(b) }
