package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
	}
	return raw, false, nil
}

// container walks the members of an object or the elements of an array.
func (w *walker) container(raw []byte, states []state, object bool) ([]byte, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // { or [
		return nil, false, err
	}
	var out bytes.Buffer
	out.Grow(len(raw))
	open, closing := byte('['), byte(']')
	if object {
		open, closing = '{', '}'
	}
	out.WriteByte(open)
	changed, n := false, 0
	var buf []state
	for index := 0; dec.More(); index++ {
		key := ""
		if object {
			t, err := dec.Token()
			if err != nil {
				return nil, false, err
			}
			key, _ = t.(string)
		}
		var member json.RawMessage
		if err := dec.Decode(&member); err != nil {
			return nil, false, err
		}
		idx := index
		if object {
			idx = -1
		}
		var act action
		buf, act = step(states, key, idx, buf)
		next := buf
		switch {
		case act == actDrop:
			w.note(member)
			changed = true
			continue
		case act == actMask:
			masked, did := w.mask(member)
			member, changed = masked, changed || did
		case len(next) > 0:
			// The recursion may reuse buf; give it its own copy.
			sub, did, err := w.value(member, append([]state(nil), next...))
			if err != nil {
				return nil, false, err
			}
			member, changed = sub, changed || did
		}
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		if object {
			k, _ := json.Marshal(key)
			out.Write(k)
			out.WriteByte(':')
		}
		out.Write(member)
	}
	if _, err := dec.Token(); err != nil { // } or ]
		return nil, false, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, fmt.Errorf("data after the end of the JSON value")
	}
	if !changed {
		return raw, false, nil
	}
	out.WriteByte(closing)
	return out.Bytes(), true, nil
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
