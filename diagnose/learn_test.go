package diagnose

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLearn: 40 flows A → B (90-129 ms) teach the hop's p99 and that B
// follows A; a lone A is then stalled past 3 × p99, a slow A → B is a
// slow hop, and a flow that failed expects nothing learned.
func TestLearn(t *testing.T) {
	var flows [][]Step
	for i := range 40 {
		a := fmt.Sprint("a", i)
		flows = append(flows, []Step{step(a, "", "A", "t", "s", 0, Class{}), step("b"+a, a, "B", "t", "s", 90+i, Class{})})
	}
	b := Learn(flows, LearnOptions{})
	if st := b.Hops[HopKey{Cause: "A", Effect: "B"}]; st.Count != 40 || st.P99MS != 129 {
		t.Fatalf("hop A → B = %+v, want 40 samples, p99 129 ms", st)
	}
	if len(b.Rules) != 1 || b.Rules[0].After != "A" || b.Rules[0].Expect[0] != "B" || b.Rules[0].Within != time.Second || b.Rules[0].Learned != 40 {
		t.Fatalf("rules = %+v, want A expects B within 1s (3 × p99, at least 1s), learned from 40", b.Rules)
	}
	c := Default()
	var src BaselineSource
	c.Learned = &src
	lone := []Step{step("x", "", "A", "t", "s", 0, Class{})}
	if r := c.Analyze(lone, t0.Add(time.Hour)); r.Status != StatusOK {
		t.Errorf("before learning: %s", r.Status)
	}
	src.Set(b)
	r := c.Analyze(lone, t0.Add(time.Hour))
	if r.Status != StatusStalled || r.Learned != 40 || !strings.Contains(r.Anomalies[0].Detail, "learned from 40 flows") {
		t.Errorf("lone A: %s, learned %d, %+v", r.Status, r.Learned, r.Anomalies)
	}
	if r := c.Analyze(lone, t0.Add(500*time.Millisecond)); r.Status != StatusInProgress {
		t.Errorf("young lone A: %s, want in_progress", r.Status)
	}
	slow := []Step{step("x", "", "A", "t", "s", 0, Class{}), step("y", "x", "B", "t", "s", 900, Class{})}
	if r := c.Analyze(slow, t0.Add(time.Hour)); len(r.Anomalies) != 1 || r.Anomalies[0].Kind != SlowHop {
		t.Errorf("slow hop: %+v", r.Anomalies)
	}
	failed := []Step{step("x", "", "A", "t", "s", 0, Class{}), step("f", "x", "AFailed", "t", "s", 10, Class{Failure: true})}
	if r := c.Analyze(failed, t0.Add(time.Hour)); r.Status != StatusFailed || len(r.Anomalies) != 1 {
		t.Errorf("failed flow: %s %+v, want failed with its failure only", r.Status, r.Anomalies)
	}
}
