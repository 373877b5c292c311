package diagnose

import (
	"strconv"
	"strings"
	"time"
)

// FormatMS formats a latency in milliseconds for people, the one duration
// format of every page, export and the CLI: "0 ms", "0.25 ms", "4.5 ms",
// "68 ms", "1.83 s", "12.5 s", "2m5s"; at most two decimals, trailing
// zeros dropped; negative latencies get a minus sign.
func FormatMS(v float64) string {
	if v < 0 {
		return "-" + FormatMS(-v)
	}
	switch {
	case v < 10:
		return trimFloat(v, 2) + " ms"
	case v < 1000:
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	case v < 60000:
		return trimFloat(v/1000, 2) + " s"
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

// MS converts a duration to float milliseconds with microsecond precision.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// FormatDur formats a duration like FormatMS.
func FormatDur(d time.Duration) string { return FormatMS(MS(d)) }

func itoa(n int) string { return strconv.Itoa(n) }
