package diagnose

import (
	"regexp"
	"strings"
)

// Placeholders NormalizeReason puts in place of the variable parts of a
// failure reason.
const (
	PlaceUUID   = "<uuid>"
	PlaceHex    = "<hex>"
	PlaceNumber = "<n>"
	PlaceQuoted = "<q>"
)

var (
	reQuoted = regexp.MustCompile(`"[^"]*"|'[^']*'|` + "`[^`]*`")
	reUUID   = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	// hex: 0x-prefixed, or 8+ hex digits holding at least one digit and
	// one letter (a word of letters only stays).
	reHex    = regexp.MustCompile(`(?i)\b0x[0-9a-f]+\b|\b[0-9a-f]*(?:[0-9][a-f]|[a-f][0-9])[0-9a-f]*\b`)
	reNumber = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	reSpace  = regexp.MustCompile(`\s+`)
)

// NormalizeReason returns reason with its variable parts (quoted values,
// UUIDs, hex strings, numbers) replaced by placeholders and its spaces
// collapsed, so that failures that differ only by an ID, an amount or a
// value group together: `order 42 "abc" failed` and `order 7 'x' failed`
// both become `order <n> <q> failed`.
func NormalizeReason(reason string) string {
	s := reQuoted.ReplaceAllString(reason, PlaceQuoted)
	s = reUUID.ReplaceAllString(s, PlaceUUID)
	s = reHex.ReplaceAllStringFunc(s, func(m string) string {
		if len(m) < 8 && !strings.HasPrefix(strings.ToLower(m), "0x") {
			return m // short tokens like "v2" or "3d" are left to the number rule
		}
		return PlaceHex
	})
	s = replaceNumbers(s)
	return strings.TrimSpace(reSpace.ReplaceAllString(s, " "))
}

// replaceNumbers writes PlaceNumber for each number that is a value, and
// keeps the digits that are part of a name: right after a letter ("S3",
// "v2", "http2") or joined to a word by a hyphen or underscore ("3-D
// Secure", "2_phase"). A number with a unit stays a value ("30s").
func replaceNumbers(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range reNumber.FindAllStringIndex(s, -1) {
		if partOfName(s, m[0], m[1]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(PlaceNumber)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func partOfName(s string, start, end int) bool {
	if start > 0 && isLetter(s[start-1]) {
		return true
	}
	return end+1 < len(s) && (s[end] == '-' || s[end] == '_') && isLetter(s[end+1])
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
