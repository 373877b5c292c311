package sqlite

import (
	"bytes"
	"errors"
	"math"
	"time"

	"github.com/eventscope/eventscope/event"
)

// Headers and string lists are stored as BLOBs in an escaped encoding that
// keeps any bytes (NUL, invalid UTF-8) and can be searched literally with
// instr(): a 0x00 byte in a string is written as 0x00 0xFF, so every other
// 0x00 in the blob starts a delimiter. Each header is
//
//	0x00 0x02 escaped(key) 0x00 0x01 escaped(value)
//
// and a non-empty blob ends with 0x00 0x02. A header Name=Value is then
// present exactly when the blob contains
// 0x00 0x02 escaped(Name) 0x00 0x01 escaped(Value) 0x00 0x02 (without the
// final 0x00 0x02: a value starting with Value). A list of strings is
// encoded the same way, each item as 0x00 0x02 escaped(item), and a
// non-empty list ends with 0x00 0x02: listNeedle finds an item.
const (
	esc      = 0x00
	escNul   = 0xFF
	sepItem  = 0x02
	sepValue = 0x01
)

var errCodec = errors.New("corrupt encoded list")

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == esc {
			b = append(b, esc, escNul)
		} else {
			b = append(b, s[i])
		}
	}
	return b
}

func encodeHeaders(hs []event.Header) []byte {
	b := []byte{}
	for _, h := range hs {
		b = append(b, esc, sepItem)
		b = appendEscaped(b, h.Key)
		b = append(b, esc, sepValue)
		b = appendEscaped(b, h.Value)
	}
	if len(hs) > 0 {
		b = append(b, esc, sepItem)
	}
	return b
}

// headerNeedle is what instr() looks for in an encoded headers blob to find
// a header name=value (prefix: a value starting with value).
func headerNeedle(name, value string, prefix bool) []byte {
	b := appendEscaped([]byte{esc, sepItem}, name)
	b = appendEscaped(append(b, esc, sepValue), value)
	if !prefix {
		b = append(b, esc, sepItem)
	}
	return b
}

func encodeList(items []string) []byte {
	b := []byte{}
	for _, s := range items {
		b = appendEscaped(append(b, esc, sepItem), s)
	}
	if len(items) > 0 {
		b = append(b, esc, sepItem)
	}
	return b
}

// listNeedle is what instr() looks for in an encoded list to find the item
// v (prefix: an item starting with v).
func listNeedle(v string, prefix bool) []byte {
	b := appendEscaped([]byte{esc, sepItem}, v)
	if !prefix {
		b = append(b, esc, sepItem)
	}
	return b
}

// splitEncoded splits an encoded blob into its strings and the delimiter
// that preceded each.
func splitEncoded(b []byte) (parts []string, seps []byte, err error) {
	var cur []byte
	started := false
	for i := 0; i < len(b); i++ {
		if b[i] != esc {
			cur = append(cur, b[i])
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, errCodec
		}
		i++
		switch b[i] {
		case escNul:
			cur = append(cur, esc)
		case sepItem, sepValue:
			if started {
				parts = append(parts, string(cur))
			}
			started, cur = true, cur[:0]
			seps = append(seps, b[i])
		default:
			return nil, nil, errCodec
		}
	}
	if started {
		parts = append(parts, string(cur))
	}
	return parts, seps, nil
}

func decodeHeaders(b []byte) ([]event.Header, error) {
	if len(b) == 0 {
		return nil, nil
	}
	parts, seps, err := splitEncoded(b)
	// key, value per header, then the empty string after the final 0x00 0x02
	if err != nil || len(parts)%2 != 1 || parts[len(parts)-1] != "" {
		return nil, errCodec
	}
	hs := make([]event.Header, 0, len(parts)/2)
	for i := 0; i+1 < len(parts); i += 2 {
		if seps[i] != sepItem || seps[i+1] != sepValue {
			return nil, errCodec
		}
		hs = append(hs, event.Header{Key: parts[i], Value: parts[i+1]})
	}
	return hs, nil
}

func decodeList(b []byte) ([]string, error) {
	if len(b) == 0 {
		return []string{}, nil
	}
	parts, seps, err := splitEncoded(b)
	if err != nil || bytes.IndexByte(seps, sepValue) >= 0 || parts[len(parts)-1] != "" {
		return nil, errCodec
	}
	return parts[:len(parts)-1], nil
}

// Times are stored as int64 nanoseconds since the Unix epoch (UTC); the
// zero time.Time is stored as math.MinInt64 so that it round-trips and
// sorts first. Times outside int64 nanoseconds (years 1678..2262) are
// clamped.
var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

func nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return math.MinInt64
	case t.Before(minTime):
		return math.MinInt64 + 1
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// successor returns the smallest string greater than every string with
// prefix p (byte-wise), or ok=false when there is none (p is all 0xFF).
func successor(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
