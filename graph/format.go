package graph

import (
	"strconv"
	"strings"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// FormatMS formats a latency in milliseconds for people: "0.25ms", "4.5ms",
// "120ms", "1.25s", "12.5s", "2m5s"; negative latencies get a minus sign.
func FormatMS(v float64) string {
	if v < 0 {
		return "-" + FormatMS(-v)
	}
	switch {
	case v < 1:
		return trimFloat(v, 2) + "ms"
	case v < 10:
		return trimFloat(v, 1) + "ms"
	case v < 1000:
		return strconv.FormatFloat(v, 'f', 0, 64) + "ms"
	case v < 10000:
		return trimFloat(v/1000, 2) + "s"
	case v < 60000:
		return trimFloat(v/1000, 1) + "s"
	default:
		return (time.Duration(v * float64(time.Millisecond))).Round(time.Second).String()
	}
}

// trimFloat formats v with at most prec decimals and no trailing zeros.
func trimFloat(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// fmtDur formats a duration like FormatMS.
func fmtDur(d time.Duration) string { return FormatMS(ms(d)) }
