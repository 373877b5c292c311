package graph_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
	"github.com/google/go-cmp/cmp"
)

// kitchenSink is a small flow with every kind of trouble: fan-out, fan-in
// through a duplicate, an orphan, a loop, a self-cause, a long edge.
func kitchenSink() []event.Event {
	return seq(
		ev("r", "", "OrderPlaced", 0),
		ev("a", "r", "PaymentAuthorized", 40),
		ev("k", "r", "KitchenTicketCreated", 50),
		ev("n", "r", "NotificationSent", 60),
		ev("p", "k", "PizzaPrepared", 2000),
		ev("b", "p", "PizzaBoxed", 2300),
		ev("o", "b", "OutForDelivery", 2600),
		ev("l", "r", "LoyaltyPointsAwarded", 2700), // r → l beside a long chain
		ev("o", "a", "OutForDelivery", 2650),       // duplicate, other cause: fan-in
		ev("x", "missing", "Refund", 3000),
		ev("y", "x", "RefundSent", 3100),
		ev("c1", "c2", "Retry", 3200),
		ev("c2", "c1", "Retry", 3300),
		ev("s", "s", "Selfie", 3400),
		ev("z", "r", "Audit", 3500),
	)
}

// randomFlow makes n events whose causes are mostly earlier events, some
// later ones (loops, out of order), some missing, some duplicates.
func randomFlow(n int, seed uint64) []event.Event {
	rnd := rand.New(rand.NewPCG(seed, 7))
	var out []event.Event
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("e%d", i)
		cause := ""
		switch r := rnd.IntN(20); {
		case i > 0 && r < 15:
			cause = fmt.Sprintf("e%d", rnd.IntN(i))
		case r == 15:
			cause = fmt.Sprintf("e%d", rnd.IntN(n))
		case r == 16:
			cause = "nowhere"
		case r == 17 && i > 0:
			id = fmt.Sprintf("e%d", rnd.IntN(i))
		}
		out = append(out, ev(id, cause, fmt.Sprintf("T%d", rnd.IntN(6)), i*10))
	}
	return seq(out...)
}

func TestLayoutGeometry(t *testing.T) {
	flows := map[string][]event.Event{
		"kitchen sink": kitchenSink(),
		"pizza order":  graphtest.Order(3, 1),
		"300 events":   graphtest.Flow(300, 2),
		"empty":        nil,
		"one event":    seq(ev("a", "", "A", 0)),
	}
	for seed := uint64(1); seed <= 12; seed++ {
		flows[fmt.Sprintf("random %d", seed)] = randomFlow(80, seed)
	}
	for name, events := range flows {
		t.Run(name, func(t *testing.T) {
			f := graph.Build(events, graph.Options{})
			d := graph.Layout(f, graph.LayoutOptions{CollapseAbove: -1})
			if len(d.Nodes) != len(f.Vertices) || len(d.Edges) != len(f.Edges) {
				t.Fatalf("drew %d nodes, %d edges of %d vertices, %d edges", len(d.Nodes), len(d.Edges), len(f.Vertices), len(f.Edges))
			}
			checkDrawing(t, d)
			for i, n := range d.EventNode {
				if n != f.VertexOf[i] {
					t.Errorf("record %d shown by node %d, want %d", i, n, f.VertexOf[i])
				}
			}
			for i, n := range d.Nodes {
				if n.EventIndex != f.Vertices[i].Records[0] || n.ID != f.Vertices[i].ID {
					t.Errorf("node %d is %s/%d, want vertex %s", i, n.ID, n.EventIndex, f.Vertices[i].ID)
				}
			}
			// causes lie left of their effects, apart from loop-closing edges
			for k, e := range f.Edges {
				if a, b := d.Nodes[e.FromV], d.Nodes[e.ToV]; !e.Cyclic && a.X+a.W > b.X {
					t.Errorf("edge %d %s→%s runs right to left", k, e.From, e.To)
				}
			}
		})
	}
}

func TestLayoutDeterministic(t *testing.T) {
	for _, events := range [][]event.Event{kitchenSink(), graphtest.Flow(2000, 3), randomFlow(200, 5)} {
		var first []byte
		for i := 0; i < 4; i++ {
			cp := append([]event.Event(nil), events...)
			f := graph.Build(cp, graph.Options{})
			d := graph.Layout(f, graph.LayoutOptions{Expand: map[string]bool{graph.GroupID("kitchen", "PizzaPrepared"): true}})
			b, err := json.Marshal(struct {
				D *graph.Drawing
				A []graph.Anomaly
				E []graph.Edge
				T *graph.Timeline
			}{d, f.Anomalies, f.Edges, graph.BuildTimeline(f, graph.TimelineOptions{})})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = b
			} else if string(b) != string(first) {
				t.Fatalf("run %d differs from run 0", i)
			}
		}
	}
}

// TestLayoutGolden pins the coordinates of two small flows.
func TestLayoutGolden(t *testing.T) {
	for name, events := range map[string][]event.Event{"order": graphtest.Order(1, 1), "kitchen_sink": kitchenSink()} {
		f := graph.Build(events, graph.Options{})
		golden(t, "layout_"+name+".json", mustJSON(t, graph.Layout(f, graph.LayoutOptions{})))
	}
}

func TestLayoutReducesCrossings(t *testing.T) {
	// two parents listed in the opposite order of their children: a good
	// layout draws both edge pairs without crossing
	f := graph.Build(seq(ev("a", "", "A", 0), ev("b", "", "B", 1), ev("b1", "b", "B1", 2), ev("b2", "b", "B2", 3),
		ev("a1", "a", "A1", 4), ev("a2", "a", "A2", 5)), graph.Options{})
	d := graph.Layout(f, graph.LayoutOptions{})
	y := map[string]float64{}
	for _, n := range d.Nodes {
		y[n.ID] = n.Y
	}
	if (y["a"] < y["b"]) != (y["a1"] < y["b1"]) || (y["a"] < y["b"]) != (y["a2"] < y["b2"]) {
		t.Errorf("children not on their parents' side: %v", y)
	}
	// a parent sits level with the middle of its children
	if mid := (y["a1"] + y["a2"]) / 2; mid != y["a"] {
		t.Errorf("a at y=%v, its children's middle at %v", y["a"], mid)
	}
}

func TestLayoutOrphanSitsWhereItHappened(t *testing.T) {
	f := graph.Build(seq(ev("a", "", "A", 0), ev("b", "a", "B", 10), ev("c", "b", "C", 20), ev("o", "lost", "O", 30)), graph.Options{})
	d := graph.Layout(f, graph.LayoutOptions{})
	if got := d.Nodes[3].Layer; got != 2 {
		t.Errorf("orphan on layer %d, want 2 (beside c, the event before it)", got)
	}
	if diff := cmp.Diff("event root critical missing-cause orphan", d.Nodes[3].Class); diff != "" {
		t.Errorf("class (-want +got):\n%s", diff)
	}
}
