package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// parseJSON parses b, which must hold exactly one JSON value (white space
// around it allowed), into what encoding/json's Decoder gives for an `any`
// with UseNumber: map[string]any, []any, string, json.Number, bool, nil.
// Strings are decoded as encoding/json decodes them (invalid UTF-8 and lone
// surrogates become U+FFFD; a later duplicate key wins). It exists because
// encoding/json's reflective decoding was over half of what Steps cost;
// FuzzParseJSON checks it against encoding/json.
func parseJSON(b []byte) (any, error) {
	p := jsonParser{b: b}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, p.fail("data after the value")
	}
	return v, nil
}

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

var errJSON = errors.New("invalid JSON")

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) fail(what string) error {
	return errors.Join(errJSON, errors.New(what+" at offset "+strconv.Itoa(p.i)))
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (any, error) {
	p.ws()
	if p.i == len(p.b) {
		return nil, p.fail("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	default:
		for _, lit := range [...]struct {
			text string
			v    any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if bytes.HasPrefix(p.b[p.i:], []byte(lit.text)) {
				p.i += len(lit.text)
				return lit.v, nil
			}
		}
		return nil, p.fail("unexpected character")
	}
}

func (p *jsonParser) object(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, p.fail("nested too deep")
	}
	p.i++ // {
	m := map[string]any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.ws()
		if p.i == len(p.b) || p.b[p.i] != '"' {
			return nil, p.fail("want a member name")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i == len(p.b) || p.b[p.i] != ':' {
			return nil, p.fail("want ':'")
		}
		p.i++
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.ws()
		if p.i == len(p.b) {
			return nil, p.fail("unexpected end")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.fail("want ',' or '}'")
		}
	}
}

func (p *jsonParser) array(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, p.fail("nested too deep")
	}
	p.i++ // [
	a := []any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return a, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.ws()
		if p.i == len(p.b) {
			return nil, p.fail("unexpected end")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return a, nil
		default:
			return nil, p.fail("want ',' or ']'")
		}
	}
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? as a
// json.Number with its text kept.
func (p *jsonParser) number() (any, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case digits() == 0:
		return nil, p.fail("bad number")
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.fail("bad number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.fail("bad number")
		}
	}
	return json.Number(p.b[start:p.i]), nil
}

// str reads a string; the common case (no escapes, valid UTF-8) is one
// copy.
func (p *jsonParser) str() (string, error) {
	p.i++ // "
	start, ascii := p.i, true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			if !ascii && !utf8.Valid(s) {
				p.i = start
				return p.slowStr()
			}
			p.i++
			return string(s), nil
		case c == '\\':
			p.i = start
			return p.slowStr()
		case c < 0x20:
			return "", p.fail("control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.i++
	}
	return "", p.fail("unterminated string")
}

// slowStr decodes escapes and replaces invalid UTF-8 byte by byte, as
// encoding/json does.
func (p *jsonParser) slowStr() (string, error) {
	var sb strings.Builder
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return sb.String(), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c == '\\':
			if err := p.escape(&sb); err != nil {
				return "", err
			}
		case c < utf8.RuneSelf:
			sb.WriteByte(c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.b[p.i:])
			sb.WriteRune(r) // RuneError (U+FFFD) for an invalid byte
			p.i += size
		}
	}
	return "", p.fail("unterminated string")
}

func (p *jsonParser) escape(sb *strings.Builder) error {
	if p.i+1 >= len(p.b) {
		return p.fail("unterminated string")
	}
	c := p.b[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		sb.WriteByte(c)
	case 'b':
		sb.WriteByte('\b')
	case 'f':
		sb.WriteByte('\f')
	case 'n':
		sb.WriteByte('\n')
	case 'r':
		sb.WriteByte('\r')
	case 't':
		sb.WriteByte('\t')
	case 'u':
		r, ok := p.hex4(p.i)
		if !ok {
			return p.fail("bad \\u escape")
		}
		p.i += 4
		if utf16.IsSurrogate(r) {
			r2, ok := rune(-1), false
			if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
				r2, ok = p.hex4(p.i + 2)
			}
			if dec := utf16.DecodeRune(r, r2); ok && dec != unicode.ReplacementChar {
				r = dec
				p.i += 6
			} else {
				r = unicode.ReplacementChar
			}
		}
		sb.WriteRune(r)
	default:
		return p.fail("bad escape")
	}
	return nil
}

// hex4 reads four hex digits at i.
func (p *jsonParser) hex4(i int) (rune, bool) {
	if i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
