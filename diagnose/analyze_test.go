package diagnose

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func step(id, cause, typ, topic, source string, ms int, cl Class) Step {
	return Step{ID: id, Cause: cause, Type: typ, Topic: topic, Source: source, Flow: "f",
		Where: topic + "/0/" + id, Time: t0.Add(time.Duration(ms) * time.Millisecond), Class: cl}
}

// TestDeadLetterRecoveredNoStall: the demo's shape (payment-service parks
// OrderPlaced on payments.DLT under a new ID, then authorises on retry)
// is recovered, and the parked copy expects nothing (no false stall).
func TestDeadLetterRecoveredNoStall(t *testing.T) {
	c := Default()
	c.Rules = []Rule{{After: "OrderPlaced", Expect: []string{"PizzaPrepared"}, Within: 30 * time.Second}}
	dl := Class{DeadLetter: true, Failure: true, Reason: "gateway timeout"}
	steps := []Step{
		step("o", "", "OrderPlaced", "orders", "shop", 0, Class{}),
		step("k", "o", "PizzaPrepared", "kitchen", "kitchen", 100, Class{}),
		step("d", "o", "OrderPlaced", "payments.DLT", "pay", 200, dl),
		step("p", "o", "PaymentAuthorized", "payments", "pay", 900, Class{}),
	}
	r := c.Analyze(steps, t0.Add(time.Hour))
	if r.Status != StatusRecovered || len(r.Anomalies) != 1 || r.Anomalies[0].Kind != DeadLetter {
		t.Fatalf("status %s, anomalies %+v; want recovered with one dead_letter", r.Status, r.Anomalies)
	}
	// The retry names a cause not on Kafka: still the same work, recovered.
	orphanRetry := append(steps[:3:3], step("p", "cmd-1", "PaymentAuthorized", "payments", "pay", 900, Class{}))
	if r := c.Analyze(orphanRetry, t0.Add(time.Hour)); r.Status != StatusRecovered {
		t.Errorf("retry with an unseen cause: %s, want recovered", r.Status)
	}
	// Never retried: only the kitchen went on.
	r = c.Analyze(steps[:3], t0.Add(time.Hour))
	if r.Status != StatusFailed || r.Reason != "gateway timeout" {
		t.Errorf("never retried: status %s reason %q, want failed, gateway timeout", r.Status, r.Reason)
	}
}

func TestStatusClock(t *testing.T) {
	c := Default()
	c.Rules = []Rule{{After: "A", Expect: []string{"B"}, Within: time.Second}}
	steps := []Step{step("a", "", "A", "t", "s", 0, Class{})}
	sum := c.Summarize(steps)
	if sum.Base != StatusOK || !sum.StallAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("summary %+v", sum)
	}
	for _, tc := range []struct {
		now  time.Duration
		want string
	}{{500 * time.Millisecond, StatusInProgress}, {time.Second, StatusInProgress}, {2 * time.Second, StatusStalled}} {
		if got := sum.Status(t0.Add(tc.now)); got != tc.want {
			t.Errorf("at +%s: %s, want %s", tc.now, got, tc.want)
		}
		if got := c.Analyze(steps, t0.Add(tc.now)).Status; got != tc.want {
			t.Errorf("Analyze at +%s: %s, want %s", tc.now, got, tc.want)
		}
	}
}

func TestTriggerIsNoOrphan(t *testing.T) {
	c := Default()
	steps := []Step{step("a", "f", "A", "t", "s", 0, Class{}), step("b", "zz", "B", "t", "s", 1, Class{})}
	r := c.Analyze(steps, time.Time{})
	if len(r.Anomalies) != 1 || r.Anomalies[0].Kind != Orphan || r.Anomalies[0].EventIDs[0] != "b" {
		t.Errorf("anomalies %+v, want one orphan (b)", r.Anomalies)
	}
}

func TestFailureCompensation(t *testing.T) {
	c := Default()
	fail := Class{Failure: true, Reason: "card declined"}
	comp := Class{Compensation: true}
	steps := []Step{
		step("o", "", "OrderPlaced", "t", "s", 0, Class{}),
		step("p", "o", "PaymentFailed", "t", "s", 10, fail),
		step("x", "p", "OrderCancelled", "t", "s", 20, comp),
		step("y", "x", "RefundFailed", "t", "s", 30, Class{Failure: true, Reason: "bank down"}),
	}
	if r := c.Analyze(steps[:3], time.Time{}); r.Status != StatusCompensated || r.Reason != "card declined" {
		t.Errorf("compensated flow: %s %q", r.Status, r.Reason)
	}
	// A compensation that itself fails leaves the flow failed.
	if r := c.Analyze(steps, time.Time{}); r.Status != StatusFailed || r.Reason != "bank down" {
		t.Errorf("failing compensation: %s %q", r.Status, r.Reason)
	}
	// A compensation before the failure, not caused by it, does not count.
	early := []Step{step("x", "", "OrderCancelled", "t", "s", 0, comp), step("p", "", "PaymentFailed", "t", "s", 10, fail)}
	if r := c.Analyze(early, time.Time{}); r.Status != StatusFailed {
		t.Errorf("early compensation: %s", r.Status)
	}
}

// TestRedriveIsNoDuplicate: a dead letter redriven to its original topic
// repeats the event ID there on purpose (Classify sees RedriveHeader): no
// duplicate; a second plain publication still is one.
func TestRedriveIsNoDuplicate(t *testing.T) {
	c := Default()
	dl := Class{DeadLetter: true, Failure: true, Reason: "timeout"}
	steps := []Step{
		step("o", "", "OrderPlaced", "orders", "shop", 0, Class{}),
		step("o", "", "OrderPlaced", "orders.DLT", "pay", 100, dl),
		step("o", "", "OrderPlaced", "orders", "shop", 200, Class{Redrive: true}),
	}
	for _, a := range c.Analyze(steps, time.Time{}).Anomalies {
		if a.Kind == Duplicate {
			t.Fatalf("redriven record flagged: %+v", a)
		}
	}
	again := append(steps, step("o", "", "OrderPlaced", "orders", "shop", 300, Class{}))
	n := 0
	for _, a := range c.Analyze(again, time.Time{}).Anomalies {
		if a.Kind == Duplicate {
			n++
			if a.Detail != "published 2 times on orders: orders/0/o, orders/0/o" {
				t.Errorf("detail %q", a.Detail)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d duplicates, want 1 (the plain second publication)", n)
	}
	// Classify reads the header; the bit round-trips through a store.
	cl := c.Classify(&event.Event{Topic: "orders", Headers: []event.Header{{Key: RedriveHeader, Value: "orders.DLT/0/7"}}})
	if !cl.Redrive || ClassOf(cl.Bits(), "") != cl {
		t.Errorf("class %+v, bits %d", cl, cl.Bits())
	}
}
