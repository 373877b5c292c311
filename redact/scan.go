package redact

import (
	"encoding/json"
	"errors"
)

// errScan reports JSON the scanner cannot follow; callers validate the
// payload first, so it means a bug or a racing change.
var errScan = errors.New("malformed json")

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errScan
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errScan
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end, err := skipString(b, i)
				if err != nil {
					return 0, err
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, nil
				}
			}
		}
		return 0, errScan
	}
	for ; i < len(b); i++ { // number, true, false, null
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return i, nil
		}
	}
	return i, nil
}

// member is one object member or array element: its key (objects only)
// and the bytes of its value.
type member struct {
	key    []byte // unquoted
	rawKey []byte // as written, quotes included
	value  []byte
}

// members splits a valid JSON object or array into its members, in order.
func members(raw []byte, object bool, out []member) ([]member, error) {
	i := skipSpace(raw, 0) + 1 // past { or [
	for {
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return nil, errScan
		}
		if raw[i] == '}' || raw[i] == ']' {
			return out, nil
		}
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		var m member
		if object {
			end, err := skipString(raw, i)
			if err != nil {
				return nil, err
			}
			m.rawKey = raw[i:end]
			m.key = decodeKey(m.rawKey)
			i = skipSpace(raw, end)
			if i >= len(raw) || raw[i] != ':' {
				return nil, errScan
			}
			i = skipSpace(raw, i+1)
		}
		end, err := skipValue(raw, i)
		if err != nil {
			return nil, err
		}
		m.value = raw[i:end]
		out = append(out, m)
		i = end
	}
}

// decodeKey unquotes a JSON string, cheaply when it has no escapes.
func decodeKey(q []byte) []byte {
	inner := q[1 : len(q)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if json.Unmarshal(q, &s) == nil {
				return []byte(s)
			}
			break
		}
	}
	return inner
}
