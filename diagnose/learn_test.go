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

// TestLearnUsual: the slow hops a baseline must tell do not raise what it
// learns as usual when they are rare (3 of 100, as in the demo), do when
// they are a usual mode (10 of 100); a hop out of a step timestamped
// before its cause is neither learned nor flagged (its clock is off).
func TestLearnUsual(t *testing.T) {
	learn := func(slow int) HopStats {
		var flows [][]Step
		for i := range 100 {
			a, ms := fmt.Sprint("a", i), 100+i
			if i < slow {
				ms = 4000 + i
			}
			flows = append(flows, []Step{step(a, "", "A", "t", "s", 0, Class{}), step("b"+a, a, "B", "t", "s", ms, Class{})})
		}
		return Learn(flows, LearnOptions{}).Hops[HopKey{Cause: "A", Effect: "B"}]
	}
	if st := learn(3); st.P99MS != 4001 || st.Usual() != 199 {
		t.Errorf("3%% slow: %+v, want p99 4001 ms, usual 199 ms", st)
	}
	if st := learn(10); st.Usual() != st.P99MS {
		t.Errorf("10%% slow: %+v, want usual = p99", st)
	}
	c := Default()
	c.Baseline = &Baseline{Hops: map[HopKey]HopStats{{Cause: "B", Effect: "C"}: {Count: 100, P99MS: 200}}}
	skewed := []Step{step("b", "a", "B", "t", "s", 0, Class{}), step("a", "", "A", "t", "s", 1500, Class{}),
		step("c", "b", "C", "t", "s", 1700, Class{})}
	r := c.Analyze(skewed, time.Time{})
	if len(r.Anomalies) != 1 || r.Anomalies[0].Kind != OutOfOrder {
		t.Errorf("skewed B: %+v, want out_of_order only (B → C is measured from B's bad clock)", r.Anomalies)
	}
}

// TestLearnedStallAfterRecovery: a dead letter whose work was done after
// all leaves the flow on its usual course, so learned expectations still
// apply (the demo's dead-lettered payment, then a kitchen that stalls);
// a compensated flow is off its course and expects nothing learned from
// healthy flows.
func TestLearnedStallAfterRecovery(t *testing.T) {
	c := Default()
	c.Baseline = &Baseline{Flows: 40, Rules: []Rule{{After: "A", Expect: []string{"C"}, Within: time.Second, Learned: 40}}}
	dl := Class{DeadLetter: true, Failure: true, Reason: "timeout"}
	recovered := []Step{step("x", "", "A", "t", "s", 0, Class{}), step("x", "", "A", "t.DLT", "pay", 10, dl),
		step("y", "x", "B", "t", "pay", 900, Class{})}
	if r := c.Analyze(recovered, t0.Add(time.Hour)); r.Status != StatusStalled {
		t.Errorf("recovered dead letter, no C: %s %+v, want stalled", r.Status, r.Anomalies)
	}
	compensated := []Step{step("x", "", "A", "t", "s", 0, Class{}), step("y", "x", "BFailed", "t", "pay", 10, Class{Failure: true}),
		step("z", "y", "ACancelled", "t", "s", 20, Class{Compensation: true})}
	if r := c.Analyze(compensated, t0.Add(time.Hour)); r.Status != StatusCompensated || len(r.Anomalies) != 1 {
		t.Errorf("compensated, no C: %s %+v, want compensated with its failure only", r.Status, r.Anomalies)
	}
}

// TestLearnGiven: flows that failed alike teach what such flows usually
// do: 30 compensated orders (PaymentFailed, OrderCancelled) are all boxed,
// so a compensated order that is never boxed stalls; healthy flows'
// expectations (delivery) do not apply to it.
func TestLearnGiven(t *testing.T) {
	var flows [][]Step
	for i := range 30 {
		o := fmt.Sprint("o", i)
		flows = append(flows, []Step{step(o, "", "OrderPlaced", "t", "s", 0, Class{}),
			step("b"+o, o, "PizzaBoxed", "t", "k", 200, Class{}),
			step("f"+o, o, "PaymentFailed", "t", "p", 100, Class{Failure: true}),
			step("c"+o, "f"+o, "OrderCancelled", "t", "s", 150, Class{Compensation: true})})
		h := "h" + o
		flows = append(flows, []Step{step(h, "", "OrderPlaced", "t", "s", 0, Class{}),
			step("b"+h, h, "PizzaBoxed", "t", "k", 200, Class{}), step("d"+h, "b"+h, "OrderDelivered", "t", "d", 400, Class{})})
	}
	c := Default()
	c.Baseline = Learn(flows, LearnOptions{})
	unboxed := []Step{step("x", "", "OrderPlaced", "t", "s", 0, Class{}),
		step("fx", "x", "PaymentFailed", "t", "p", 100, Class{Failure: true}),
		step("cx", "fx", "OrderCancelled", "t", "s", 150, Class{Compensation: true})}
	r := c.Analyze(unboxed, t0.Add(time.Hour))
	var got []string
	for _, a := range r.Anomalies {
		got = append(got, a.Kind+": "+a.Detail)
	}
	want := []string{"failure: PaymentFailed failed",
		"stalled: OrderPlaced expects PizzaBoxed within 1 s; nothing followed in 1h0m0s (learned from 30 flows with PaymentFailed)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || r.Status != StatusCompensated {
		t.Errorf("compensated, never boxed: %s\n%s\nwant compensated\n%s", r.Status, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
