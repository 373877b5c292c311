package graph

import (
	"strconv"
	"time"

	"github.com/eventscope/eventscope/diagnose"
)

func itoa(n int) string { return strconv.Itoa(n) }

// FormatMS formats a latency in milliseconds for people (see
// diagnose.FormatMS, the one duration format).
func FormatMS(v float64) string { return diagnose.FormatMS(v) }

// fmtDur formats a duration like FormatMS.
func fmtDur(d time.Duration) string { return FormatMS(ms(d)) }
