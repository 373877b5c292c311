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

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n          int
		noun, want string
	}{
		{1, "flow", "1 flow"}, {0, "flow", "0 flows"}, {2, "newest event", "2 newest events"},
		{1, "more anomaly", "1 more anomaly"}, {3, "more anomaly", "3 more anomalies"},
		{2, "entity", "2 entities"}, {2, "day", "2 days"}, {2, "dead letter", "2 dead letters"},
		{2, "bus", "2 buses"}, {2, "box", "2 boxes"}, {2, "match", "2 matches"}, {1, "byte", "1 byte"},
	} {
		if got := plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
	if agree(1, "is", "are") != "is" || agree(2, "is", "are") != "are" || agree(0, "is", "are") != "are" {
		t.Error("agree: want is for 1, are otherwise")
	}
}
