package store

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// WalkPayload calls visit for every value of a JSON payload below the
// top level, with its path of object keys (array elements share their
// array's path), its kind and its text (see PayloadMatches), until visit
// returns false. It stops quietly where the payload stops being JSON, so a
// truncated payload yields what comes before the cut (a number cut short
// at the very end counts as written; a value is visited before what follows
// it is checked, as encoding/json's Decoder.Token does); a payload that does not
// start with an object or array yields nothing. Strings are decoded as
// encoding/json does (escapes, surrogate pairs, bytes that are not UTF-8
// as U+FFFD). It is a hand-written scanner: encoding/json's Decoder.Token
// cost ~30 times as much per payload, and stores call this once per
// payload they search or index.
func WalkPayload(payload []byte, visit func(path []string, kind, text string) bool) {
	p := bytes.TrimLeft(payload, " \t\r\n")
	if len(p) == 0 || p[0] != '{' && p[0] != '[' {
		return
	}
	s := scanner{b: p, visit: visit}
	s.value(true)
}

type scanner struct {
	b     []byte
	i     int
	path  []string
	visit func(path []string, kind, text string) bool
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value scans one value at s.i and visits it (unless top); false when the
// walk ends (bad JSON, the end, or visit said stop).
func (s *scanner) value(top bool) bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	emit := func(kind, text string) bool { return top || s.visit(s.path, kind, text) }
	switch c := s.b[s.i]; {
	case c == '{':
		s.i++
		if !emit(KindObject, "") {
			return false
		}
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == '}' {
			s.i++
			return true
		}
		for {
			s.ws()
			key, ok := s.str()
			if !ok {
				return false
			}
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return false
			}
			s.i++
			s.path = append(s.path, key)
			ok = s.value(false)
			s.path = s.path[:len(s.path)-1]
			if !ok || !s.next('}') {
				return false
			}
			if s.b[s.i-1] == '}' {
				return true
			}
		}
	case c == '[':
		s.i++
		if !emit(KindArray, "") {
			return false
		}
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return true
		}
		for {
			if !s.value(top) || !s.next(']') { // elements of the top-level array are top level too
				return false
			}
			if s.b[s.i-1] == ']' {
				return true
			}
		}
	case c == '"':
		v, ok := s.str()
		return ok && emit(KindString, v)
	case c == 't':
		return s.literal("true") && emit(KindBool, "true")
	case c == 'f':
		return s.literal("false") && emit(KindBool, "false")
	case c == 'n':
		return s.literal("null") && emit(KindNull, "null")
	default:
		v, ok := s.number()
		return ok && emit(KindNumber, v)
	}
}

// next consumes the ',' or the closing delimiter after a member or element.
func (s *scanner) next(closing byte) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ',' && s.b[s.i] != closing {
		return false
	}
	s.i++
	return true
}

func (s *scanner) literal(lit string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// number scans a JSON number and returns it as written.
func (s *scanner) number() (string, bool) {
	start, b := s.i, s.b
	digits := func() bool {
		n := s.i
		for s.i < len(b) && b[s.i] >= '0' && b[s.i] <= '9' {
			s.i++
		}
		return s.i > n
	}
	if s.i < len(b) && b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(b) && b[s.i] == '0':
		s.i++
	case !digits():
		return "", false
	}
	if s.i < len(b) && b[s.i] == '.' {
		s.i++
		if !digits() {
			return "", false
		}
	}
	if s.i < len(b) && (b[s.i] == 'e' || b[s.i] == 'E') {
		s.i++
		if s.i < len(b) && (b[s.i] == '+' || b[s.i] == '-') {
			s.i++
		}
		if !digits() {
			return "", false
		}
	}
	return string(b[start:s.i]), true
}

// str scans a string at s.i and returns its decoded text.
func (s *scanner) str() (string, bool) {
	b := s.b
	if s.i >= len(b) || b[s.i] != '"' {
		return "", false
	}
	s.i++
	start := s.i
	for s.i < len(b) { // the common case: no escape, ASCII
		c := b[s.i]
		if c == '"' {
			s.i++
			return string(b[start : s.i-1]), true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		s.i++
	}
	out := append([]byte(nil), b[start:s.i]...)
	for s.i < len(b) {
		c := b[s.i]
		switch {
		case c == '"':
			s.i++
			return string(out), true
		case c < 0x20:
			return "", false
		case c == '\\':
			r, ok := s.escape()
			if !ok {
				return "", false
			}
			out = utf8.AppendRune(out, r)
		case c < utf8.RuneSelf:
			out = append(out, c)
			s.i++
		default:
			r, n := utf8.DecodeRune(b[s.i:])
			out = utf8.AppendRune(out, r) // U+FFFD for a byte that is not UTF-8
			s.i += n
		}
	}
	return "", false
}

// escape decodes the escape at s.i (a backslash) as encoding/json does.
func (s *scanner) escape() (rune, bool) {
	b := s.b
	if s.i+1 >= len(b) {
		return 0, false
	}
	c := b[s.i+1]
	s.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return 0, false
		}
		if utf16.IsSurrogate(r) {
			if s.i+1 < len(b) && b[s.i] == '\\' && b[s.i+1] == 'u' {
				save := s.i
				s.i += 2
				if r2, ok := s.hex4(); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						return d, true
					}
				}
				s.i = save
			}
			return utf8.RuneError, true
		}
		return r, true
	}
	return 0, false
}

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	s.i += 4
	return rune(v), true
}
