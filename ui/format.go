package ui

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
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

// fmtDelta is a signed offset: "+68 ms", "-1.83 s" (an effect stamped
// before its cause), "0 ms".
func fmtDelta(ms float64) string {
	if ms > 0 {
		return "+" + graph.FormatMS(ms)
	}
	return graph.FormatMS(ms)
}

// fmtSpan is the duration between two times.
func fmtSpan(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return "—"
	}
	return graph.FormatMS(float64(to.Sub(from).Microseconds()) / 1000)
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
