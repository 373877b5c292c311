package graph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// TestCompare: B has a PaymentFailed A lacks, A a PaymentAuthorized B
// lacks, B prepares twice (an extra repetition), and the shared hop
// OrderPlaced→PizzaPrepared is 50 ms slower in B (nearest-rank medians 50 and 100).
func TestCompare(t *testing.T) {
	a := graph.Build(seq(
		ev("o", "", "OrderPlaced", 0),
		ev("p", "o", "PizzaPrepared", 50),
		ev("y", "o", "PaymentAuthorized", 80),
	), graph.Options{})
	b := graph.Build(seq(
		ev("o2", "", "OrderPlaced", 0),
		ev("p2", "o2", "PizzaPrepared", 100),
		ev("p3", "o2", "PizzaPrepared", 140),
		ev("f2", "o2", "PaymentFailed", 90),
	), graph.Options{})
	c := graph.Compare(a, b)
	wantTypes := []graph.TypeDiff{{Type: "OrderPlaced", A: 1, B: 1}, {Type: "PaymentAuthorized", A: 1}, {Type: "PaymentFailed", B: 1}, {Type: "PizzaPrepared", A: 1, B: 2}}
	if diff := cmp.Diff(wantTypes, c.Types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	if len(c.Hops) != 3 {
		t.Fatalf("hops %+v", c.Hops)
	}
	prep := c.Hops[2]
	if prep.From != "OrderPlaced" || prep.To != "PizzaPrepared" || prep.A != 1 || prep.B != 2 || prep.P50A != 50 || prep.P50B != 100 || prep.DeltaMS == nil || *prep.DeltaMS != 50 {
		t.Errorf("OrderPlaced→PizzaPrepared: %+v (delta %v)", prep, prep.DeltaMS)
	}
	if c.Hops[0].To != "PaymentAuthorized" || c.Hops[0].B != 0 || c.Hops[0].DeltaMS != nil {
		t.Errorf("a hop of A only: %+v", c.Hops[0])
	}
	if c.Same || !graph.Compare(a, a).Same {
		t.Error("same_shape is wrong")
	}
	if graph.RootType(b) != "OrderPlaced" {
		t.Errorf("root type %q", graph.RootType(b))
	}
	if graph.ShapeKey(a) == graph.ShapeKey(b) {
		t.Error("different flows share a shape key")
	}
}

// TestCompareSkipsDeadLetters: flow A was dead-lettered and recovered (the
// demo's shape: payment-service parks OrderPlaced on payments.DLT as a new
// record caused by the order, then charges it), B went through at once.
// The dead-letter record is not one more OrderPlaced nor a hop
// OrderPlaced→OrderPlaced: same shape, listed as resent. A redriven dead
// letter (a copy with the redrive header) whose effect names it as cause
// counts that effect from the event it resends.
func TestCompareSkipsDeadLetters(t *testing.T) {
	onTopic := func(e event.Event, topic string) event.Event { e.Topic = topic; return e }
	a := graph.Build(seq(
		onTopic(ev("o", "", "OrderPlaced", 0), "orders"),
		withPayload(ev("d", "o", "OrderPlaced", 200), "payments.DLT", `{"error":"payment gateway timeout"}`),
		onTopic(ev("k", "o", "PizzaPrepared", 300), "kitchen"),
		onTopic(ev("y", "o", "PaymentAuthorized", 1500), "payments"),
	), graph.Options{})
	b := graph.Build(seq(
		onTopic(ev("o2", "", "OrderPlaced", 0), "orders"),
		onTopic(ev("k2", "o2", "PizzaPrepared", 250), "kitchen"),
		onTopic(ev("y2", "o2", "PaymentAuthorized", 120), "payments"),
	), graph.Options{})
	c := graph.Compare(a, b)
	wantTypes := []graph.TypeDiff{{Type: "OrderPlaced", A: 1, B: 1}, {Type: "PaymentAuthorized", A: 1, B: 1}, {Type: "PizzaPrepared", A: 1, B: 1}}
	if diff := cmp.Diff(wantTypes, c.Types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	for _, h := range c.Hops {
		if h.A != h.B {
			t.Errorf("hop %s→%s: A %d, B %d; want the dead letter left out", h.From, h.To, h.A, h.B)
		}
	}
	if diff := cmp.Diff([]graph.TypeDiff{{Type: "OrderPlaced", A: 1}}, c.Resent); diff != "" {
		t.Errorf("resent (-want +got):\n%s", diff)
	}
	if !c.Same {
		t.Errorf("a recovered flow and a healthy one of the same steps differ in shape:\n%s\n%s", graph.ShapeKey(a), graph.ShapeKey(b))
	}

	// redriven by eventscope: the dead letter back on orders, and the
	// payment names the redriven record as its cause
	redrive := withPayload(ev("d", "", "OrderPlaced", 1200), "orders", `{"redriven":true}`)
	redrive.Headers = []event.Header{{Key: diagnose.RedriveHeader, Value: "x"}}
	r := graph.Build(seq(
		onTopic(ev("o", "", "OrderPlaced", 0), "orders"),
		withPayload(ev("d", "o", "OrderPlaced", 200), "payments.DLT", `{"error":"payment gateway timeout"}`),
		onTopic(ev("k", "o", "PizzaPrepared", 300), "kitchen"),
		redrive,
		onTopic(ev("y", "d", "PaymentAuthorized", 1300), "payments"),
	), graph.Options{})
	c = graph.Compare(r, b)
	if diff := cmp.Diff(wantTypes, c.Types); diff != "" {
		t.Errorf("redriven: types (-want +got):\n%s", diff)
	}
	if !c.Same {
		t.Errorf("redriven: shapes differ:\n%s\n%s", graph.ShapeKey(r), graph.ShapeKey(b))
	}
	if diff := cmp.Diff([]graph.TypeDiff{{Type: "OrderPlaced", A: 2}}, c.Resent); diff != "" {
		t.Errorf("redriven: resent (-want +got):\n%s", diff)
	}
}
