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
	s = reNumber.ReplaceAllString(s, PlaceNumber)
	return strings.TrimSpace(reSpace.ReplaceAllString(s, " "))
}
