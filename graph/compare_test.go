package graph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

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
