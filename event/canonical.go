package event

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The range of times every store can keep: int64 nanoseconds since the
// Unix epoch (years 1678 to 2262).
var (
	minStoredTime = time.Unix(0, math.MinInt64+1).UTC()
	maxStoredTime = time.Unix(0, math.MaxInt64).UTC()
)

// canonicalize puts a decoded event's IDs and times in the one form every
// store keeps and every page and API shows, so a listed ID can be looked up
// again and a time is never lost:
//   - an ID, key, type, source or version that is not valid UTF-8 has each
//     invalid byte written as \xNN (JSON would show U+FFFD, which names
//     nothing and collides);
//   - a Kafka record time outside int64 nanoseconds (after 2262-04-11 or
//     before 1678) is clamped to the nearest end, with a decode note.
func canonicalize(e *Event, s *decodeState) {
	for _, f := range [...]*string{&e.EventID, &e.CorrelationID, &e.CausationID, &e.Key, &e.Type, &e.Source, &e.Version} {
		if !utf8.ValidString(*f) {
			*f = CanonicalID(*f)
		}
	}
	if t, clamped := clampTime(e.KafkaTime); clamped {
		s.note("kafka timestamp " + strconv.FormatInt(e.KafkaTime.UnixMilli(), 10) + " ms is outside the years 1678-2262: stored as " + t.Format(time.RFC3339Nano))
		e.KafkaTime = t
	}
}

// CanonicalID returns s with every byte that is not part of valid UTF-8
// written as \xNN; valid UTF-8 is returned as it is. The decoder stores
// IDs in this form.
func CanonicalID(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	const hexDigits = "0123456789abcdef"
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, '\\', 'x', hexDigits[s[i]>>4], hexDigits[s[i]&15])
			i++
			continue
		}
		b = append(b, s[i:i+n]...)
		i += n
	}
	return string(b)
}

// clampTime returns t inside the stored range; the zero time stays zero.
func clampTime(t time.Time) (time.Time, bool) {
	switch {
	case t.IsZero():
		return t, false
	case t.Before(minStoredTime):
		return minStoredTime, true
	case t.After(maxStoredTime):
		return maxStoredTime, true
	}
	return t, false
}
