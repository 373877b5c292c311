package event

import (
	"strings"
	"unicode/utf8"
)

// HeaderName is the one canonical form of a record header name: lower-cased,
// with every '-', '_' and '.' removed, so "X-Correlation-ID",
// "x_correlation_id", "correlation.id" and "CorrelationId" are one name.
// The decoder matches its built-in and configured header names in this form;
// redaction rules and the config validator use it too, so a rule that names
// a header once catches every spelling the decoder reads.
func HeaderName(k string) string {
	var buf [64]byte
	return string(appendHeaderName(buf[:0], k))
}

// appendHeaderName appends the HeaderName of k to dst. ASCII names (every
// real one) take the fast path; others are lower-cased by Unicode rules
// first, the same way for every caller.
func appendHeaderName(dst []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			k = strings.ToLower(k)
			break
		}
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
