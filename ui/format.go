package ui

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/eventscope/eventscope/event"
)

// timeLayout shows event times: UTC, to the millisecond, sortable.
const timeLayout = "2006-01-02 15:04:05.000"

// fmtTime formats t for display in UTC; the zero time is a dash.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(timeLayout)
}

// fmtRFC3339 is the machine-readable form for <time datetime>.
func fmtRFC3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// fmtMS formats a latency in milliseconds compactly: "0.42 ms", "12 ms",
// "1.25 s", "2m3s".
func fmtMS(ms float64) string {
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	switch {
	case ms == 0:
		return "0 ms"
	case ms < 10:
		return sign + strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case ms < 1000:
		return sign + strconv.FormatFloat(math.Round(ms), 'f', 0, 64) + " ms"
	case ms < 60_000:
		return sign + strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	default:
		return sign + time.Duration(ms*float64(time.Millisecond)).Round(time.Second).String()
	}
}

// fmtDelta is a signed offset: "+68 ms", "-1.83 s" (an effect stamped
// before its cause), "0 ms".
func fmtDelta(ms float64) string {
	if ms > 0 {
		return "+" + fmtMS(ms)
	}
	return fmtMS(ms)
}

// fmtSpan is the duration between two times.
func fmtSpan(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return "—"
	}
	return fmtMS(float64(to.Sub(from).Microseconds()) / 1000)
}

// fmtAgo says how long before now t was: "5s ago", "3m ago", "2h ago".
func fmtAgo(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
}

// Payload display kinds.
const (
	payloadEmpty = "empty"
	payloadJSON  = "json"
	payloadText  = "text"
	payloadHex   = "hex"
)

// maxHexBytes caps the hex dump of a binary payload (16 KiB of bytes is
// about 70 KiB of text).
const maxHexBytes = 16 << 10

// payloadView returns how to show e's payload and the text to show.
func payloadView(e *event.Event) (kind, text string) {
	if len(e.Payload) == 0 {
		return payloadEmpty, ""
	}
	switch e.PayloadEncoding() {
	case event.EncodingJSON:
		var b bytes.Buffer
		if err := json.Indent(&b, e.Payload, "", "  "); err == nil {
			return payloadJSON, b.String()
		}
		return payloadText, string(e.Payload)
	case event.EncodingText:
		return payloadText, string(e.Payload)
	default:
		p := e.Payload
		if len(p) > maxHexBytes {
			return payloadHex, hex.Dump(p[:maxHexBytes]) + fmt.Sprintf("… %d more bytes not shown\n", len(p)-maxHexBytes)
		}
		return payloadHex, hex.Dump(p)
	}
}
