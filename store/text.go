package store

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// TextMatches reports whether the stored payload contains text, ignoring
// case: both are folded rune by rune to lower case (unicode.ToLower, no
// normalisation: "é" and "e\u0301" differ) and compared as bytes. Bytes
// that are not UTF-8 stay as they are and match only themselves. This is
// FieldText for every backend.
func TextMatches(payload []byte, text string) bool {
	return bytes.Contains(FoldCase(payload), FoldCase([]byte(text)))
}

// FoldCase lower-cases the UTF-8 runes of b, keeping other bytes.
func FoldCase(b []byte) []byte {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			out = append(out, b[i])
			i++
			continue
		}
		out = utf8.AppendRune(out, unicode.ToLower(r))
		i += n
	}
	return out
}
