package event

import "strings"

// traceparentID returns the trace ID of a W3C Trace Context traceparent
// value "VV-TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT-PPPPPPPPPPPPPPPP-FF"
// (version, 32 hex trace-id, 16 hex parent-id, flags). Version ff and an
// all-zero trace ID are invalid; later versions may append fields.
func traceparentID(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return "", false
	}
	if !isHex(v[:2]) || strings.EqualFold(v[:2], "ff") || (v[:2] == "00" && len(v) != 55) {
		return "", false
	}
	if len(v) > 55 && v[55] != '-' {
		return "", false
	}
	return traceID(v[3:35])
}

// b3TraceID returns the trace ID of a Zipkin B3 single header
// "{TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}" (only the trace ID is
// needed); a value carrying only a sampling decision ("0", "1", "d") has none.
func b3TraceID(v string) (string, bool) {
	v = strings.TrimSpace(v)
	i := strings.IndexByte(v, '-')
	if i < 0 {
		return "", false
	}
	return traceID(v[:i])
}

// traceID validates a 16 or 32 hex character trace ID, not all zeros, and
// returns it lowercased so that B3 and W3C forms of one trace compare equal.
func traceID(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if (len(v) != 16 && len(v) != 32) || !isHex(v) || strings.Trim(v, "0") == "" {
		return "", false
	}
	return strings.ToLower(v), true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}
