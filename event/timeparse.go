package event

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"
)

// Event times outside [minTime, maxTime) are treated as unreadable: they are
// almost always a number of the wrong unit or a sentinel.
var (
	minTime = time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// nsbTimeLayout reads NServiceBus' wire format for timestamps,
// "yyyy-MM-dd HH:mm:ss:ffffff Z" (UTC), once parseTime has turned the colon
// before the fraction into a dot (Go layouts want a dot or comma there).
const nsbTimeLayout = "2006-01-02 15:04:05.999999 Z"

// parseTime reads an event time written as an RFC 3339 string, the
// NServiceBus wire format, or a decimal epoch number (see epochTime).
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if isNumber(s) {
		return epochString(s)
	}
	if len(s) == 28 && s[10] == ' ' && s[19] == ':' && s[26:] == " Z" {
		s = s[:19] + "." + s[20:]
	}
	for _, layout := range []string{time.RFC3339Nano, nsbTimeLayout, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return inRange(t)
		}
	}
	return time.Time{}, false
}

func isNumber(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return true
}

// epochString reads a decimal epoch number; the unit is chosen by magnitude.
func epochString(s string) (time.Time, bool) {
	if strings.IndexByte(s, '.') < 0 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return epochTime(n)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > math.MaxInt64 {
		return time.Time{}, false
	}
	if f >= 1e11 { // fractional millis or smaller units: whole units suffice
		return epochTime(int64(f))
	}
	sec, frac := math.Modf(f)
	return inRange(time.Unix(int64(sec), int64(frac*1e9)).UTC())
}

// epochTime reads n as seconds, milliseconds, microseconds or nanoseconds
// since the Unix epoch, whichever puts it between 1973 and 5138:
// < 1e11 seconds, < 1e14 millis, < 1e17 micros, else nanos.
func epochTime(n int64) (time.Time, bool) {
	var t time.Time
	switch {
	case n <= 0:
		return time.Time{}, false
	case n < 1e11:
		t = time.Unix(n, 0)
	case n < 1e14:
		t = time.UnixMilli(n)
	case n < 1e17:
		t = time.UnixMicro(n)
	default:
		t = time.Unix(0, n)
	}
	return inRange(t.UTC())
}

func inRange(t time.Time) (time.Time, bool) {
	if t.Before(minTime) || !t.Before(maxTime) {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// parseAxonTime reads Axon's axon-message-timestamp header: the Kafka
// extension writes Instant.toEpochMilli() as an 8-byte big-endian long
// (HeaderUtils.addHeader); other transports write it as decimal text.
func parseAxonTime(v string) (time.Time, bool) {
	if len(v) == 8 && !isNumber(v) {
		return epochTime(int64(binary.BigEndian.Uint64([]byte(v))))
	}
	return parseTime(v)
}
