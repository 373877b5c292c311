package quality

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/eventscope/eventscope/diagnose"
)

// TestQuality scores the engine on 3000 flows (half healthy, half spread
// over every fault shape) with a baseline learned from 2000 flows of
// production-like traffic (1% faults). QUALITY_FLOWS=N scores N flows.
// Targets: precision and recall at least 0.98 for every kind and status.
func TestQuality(t *testing.T) {
	n := 3000
	if s := os.Getenv("QUALITY_FLOWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	start := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	cfg := diagnose.Default()
	cfg.Baseline = Learn(Generate(7, 2000, 0.99, start.Add(-24*time.Hour)))
	flows := Generate(42, n, 0.5, start)
	for _, s := range Evaluate(&cfg, flows, Now(start, n)) {
		line := fmt.Sprintf("%-24s flows %5d  precision %.4f  recall %.4f", s.Name, s.Flows, s.Precision, s.Recall)
		if len(s.FalseShapes) > 0 || len(s.Missed) > 0 {
			line += fmt.Sprintf("  false: %v  missed: %v", s.FalseShapes, s.Missed)
		}
		t.Log(line)
		if s.Precision < 0.98 || s.Recall < 0.98 {
			t.Errorf("%s: precision %.4f, recall %.4f; target 0.98", s.Name, s.Precision, s.Recall)
		}
	}
}
