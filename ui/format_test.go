package ui

import "testing"

func TestFmtDelta(t *testing.T) {
	for _, tt := range []struct {
		ms   float64
		want string
	}{
		{68, "+68 ms"},
		{-1830, "-1.83 s"}, // an effect stamped before its cause: no "+-"
		{0, "0 ms"},
		{0.5, "+0.5 ms"},
		{4.567, "+4.57 ms"},
		{12500, "+12.5 s"},
	} {
		if got := fmtDelta(tt.ms); got != tt.want {
			t.Errorf("fmtDelta(%v) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}
