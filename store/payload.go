package store

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Op is how a FieldPayload term compares the field's value.
type Op string

// Ops of payload field terms.
const (
	OpEq  Op = ""    // payload.a.b:VALUE (Prefix: VALUE*)
	OpHas Op = "has" // has:payload.a.b, the field exists
	OpGT  Op = ">"
	OpGE  Op = ">="
	OpLT  Op = "<"
	OpLE  Op = "<="
)

// Kinds of JSON values, as /api/fields lists them.
const (
	KindString = "string"
	KindNumber = "number"
	KindBool   = "bool"
	KindObject = "object"
	KindArray  = "array"
	KindNull   = "null"
)

// PayloadMatches reports whether the payload has a value at t.Name (a
// dotted path of object keys) that t selects. A path through an array
// goes through every element (arrays add no step to the path). OpEq
// compares the value's text: a string's decoded text, or a number, bool
// or null as written ("12.50", "true", "null"), exactly (or as a prefix);
// objects and arrays have no text. The comparisons take numbers and
// strings that are numbers ("750", " 12.5" is not); any other value never
// compares. OpHas: a value of any kind is there. A payload that is not
// JSON has no fields; one cut short (truncated) has the fields before the
// cut. Keys and values are compared byte-wise after JSON unescaping.
func PayloadMatches(t Term, payload []byte) bool {
	path := strings.Split(t.Name, ".")
	var num float64
	if t.Op != OpEq && t.Op != OpHas {
		n, ok := ParseNumber(t.Value)
		if !ok {
			return false
		}
		num = n
	}
	found := false
	WalkPayload(payload, func(p []string, kind, text string) bool {
		if !equalPath(p, path) {
			return true
		}
		switch t.Op {
		case OpHas:
			found = true
		case OpEq:
			if kind != KindObject && kind != KindArray {
				found = text == t.Value || t.Prefix && strings.HasPrefix(text, t.Value)
			}
		default:
			if kind != KindNumber && kind != KindString {
				return true
			}
			v, ok := ParseNumber(text)
			if !ok {
				return true
			}
			switch t.Op {
			case OpGT:
				found = v > num
			case OpGE:
				found = v >= num
			case OpLT:
				found = v < num
			case OpLE:
				found = v <= num
			}
		}
		return !found
	})
	return found
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// PayloadNeedle is a byte string every payload with a value at the
// dotted path contains: the last key, quoted, when JSON writes it only one
// way (letters, digits and "_-$@ "); else "" (no such string is known).
// Stores use it to skip payloads before decoding them.
func PayloadNeedle(path string) string {
	last := path[strings.LastIndexByte(path, '.')+1:]
	for i := 0; i < len(last); i++ {
		c := last[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-$@ ", c) >= 0) {
			return ""
		}
	}
	return `"` + last + `"`
}

// ParseNumber reads a number written as JSON writes one ("-12.5e3"; not
// "inf", "0x10", "+1" nor " 1").
func ParseNumber(s string) (float64, bool) {
	if !json.Valid([]byte(s)) || s == "" || s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
