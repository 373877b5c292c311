package graph_test

import (
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
)

// labelClashes counts the labels whose box overlaps a node box, and the
// pairs of labels whose boxes overlap each other (by more than rounding).
func labelClashes(d *graph.Drawing) (onNodes, onLabels int) {
	const eps = 0.2
	var boxes [][4]float64
	for _, e := range d.Edges {
		if e.Label != "" {
			boxes = append(boxes, graph.LabelBox(e, 0))
		}
	}
	hit := func(a, b [4]float64) bool {
		return a[0] < b[2]-eps && b[0] < a[2]-eps && a[1] < b[3]-eps && b[1] < a[3]-eps
	}
	for i, b := range boxes {
		for _, n := range d.Nodes {
			if hit(b, [4]float64{n.X, n.Y, n.X + n.W, n.Y + n.H}) {
				onNodes++
				break
			}
		}
		for _, c := range boxes[i+1:] {
			if hit(b, c) {
				onLabels++
			}
		}
	}
	return onNodes, onLabels
}

// kitchenMap is the service map of a few thousand pizza-shop events.
func kitchenMap() graph.ServiceMap { return graph.BuildServiceMap(graphtest.Flow(3000, 1)) }

func TestLabelsClearOfNodesAndEachOther(t *testing.T) {
	layout := func(events []event.Event, o graph.LayoutOptions) func() *graph.Drawing {
		return func() *graph.Drawing { return graph.Layout(graph.Build(events, graph.Options{}), o) }
	}
	tests := []struct {
		name             string
		draw             func() *graph.Drawing
		onNodes, onLabel int // measured; 0 where a free place exists
	}{
		{"kitchen sink", layout(kitchenSink(), graph.LayoutOptions{}), 0, 0},
		{"pizza orders", layout(graphtest.Order(3, 1), graph.LayoutOptions{}), 0, 0},
		{"random 80", layout(randomFlow(80, 3), graph.LayoutOptions{CollapseAbove: -1}), 0, 0},
		{"collapsed 2000", layout(graphtest.Flow(2000, 1), graph.LayoutOptions{}), 0, 0},
		{"collapsed, expanded", layout(graphtest.Flow(2000, 1), graph.LayoutOptions{Expand: map[string]bool{graph.GroupID("kitchen", "PizzaBoxed"): true}}), 0, 0},
		{"service map", func() *graph.Drawing { return graph.LayoutServiceMap(kitchenMap(), graph.LayoutOptions{}) }, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.draw()
			checkDrawing(t, d)
			onNodes, onLabels := labelClashes(d)
			t.Logf("%d edges: %d labels on nodes, %d overlapping label pairs", len(d.Edges), onNodes, onLabels)
			if onNodes != tt.onNodes || onLabels != tt.onLabel {
				t.Errorf("%d labels on nodes, %d overlapping label pairs; want %d, %d", onNodes, onLabels, tt.onNodes, tt.onLabel)
			}
		})
	}
}

func TestServiceMapCutsLongLabels(t *testing.T) {
	var events []event.Event
	for _, typ := range []string{"OrderPlaced", "OrderCancelled", "OrderAmended", "OrderRefunded"} {
		events = append(events, on(ev("id-"+typ, "", typ, len(events)), "orders", "orders"))
	}
	m := graph.BuildServiceMap(seq(events...))
	d := graph.LayoutServiceMap(m, graph.LayoutOptions{})
	const full = "OrderAmended ×1, OrderCancelled ×1, OrderPlaced ×1, OrderRefunded ×1"
	if e := d.Edges[0]; e.Label != "OrderAmended ×1, OrderCancelled ×1,…" || e.Title != full {
		t.Errorf("label %q title %q; want it cut after 35 characters, the whole in Title", e.Label, e.Title)
	}
	// the gap between the columns widens to fit the label, unless set
	gap := func(d *graph.Drawing) float64 { return d.Nodes[1].X - d.Nodes[0].X - d.Nodes[0].W }
	if g := gap(d); g < 36*7*10/12 || g > 240 {
		t.Errorf("gap %v, want room for a 36-character label (at most 240)", g)
	}
	narrow := graph.LayoutServiceMap(m, graph.LayoutOptions{LayerGap: 50})
	if g := gap(narrow); g != 50 {
		t.Errorf("gap %v with LayerGap 50", g)
	}
	// 50 is too narrow for the label anywhere along its edge: it is not
	// drawn, the edge's Title has it (hover, and the page's edge table)
	if e := narrow.Edges[0]; e.Label != "" || e.Title != full {
		t.Errorf("in a 50 gap: label %q title %q; want no label, the whole in Title", e.Label, e.Title)
	}
	if onNodes, onLabels := labelClashes(narrow); onNodes+onLabels != 0 {
		t.Errorf("in a 50 gap: %d labels on nodes, %d overlapping", onNodes, onLabels)
	}
}
