package graph_test

import (
	"math"
	"testing"

	"github.com/eventscope/eventscope/graph"
)

// checkDrawing asserts what every drawing must satisfy: finite coordinates
// inside the canvas, no overlapping boxes, edges that start on their From
// box and end on their To box, and no edge segment through any box.
func checkDrawing(t *testing.T, d *graph.Drawing) {
	t.Helper()
	const eps = 0.11 // coordinates are rounded to a tenth
	byID := map[string]graph.DrawNode{}
	for _, n := range d.Nodes {
		byID[n.ID] = n
		for _, v := range []float64{n.X, n.Y, n.W, n.H} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("node %s has a non-finite coordinate: %+v", n.ID, n)
			}
		}
		if n.X < 0 || n.Y < 0 || n.X+n.W > d.Width+eps || n.Y+n.H > d.Height+eps {
			t.Errorf("node %s (%v,%v %vx%v) outside the %vx%v canvas", n.ID, n.X, n.Y, n.W, n.H, d.Width, d.Height)
		}
	}
	if len(byID) != len(d.Nodes) {
		t.Errorf("%d nodes but %d distinct IDs", len(d.Nodes), len(byID))
	}
	for i, a := range d.Nodes {
		for _, b := range d.Nodes[i+1:] {
			if a.X < b.X+b.W-eps && b.X < a.X+a.W-eps && a.Y < b.Y+b.H-eps && b.Y < a.Y+a.H-eps {
				t.Errorf("nodes %s and %s overlap", a.ID, b.ID)
			}
		}
	}
	for _, e := range d.Edges {
		if len(e.Points) < 2 {
			t.Errorf("edge %s→%s has %d points", e.From, e.To, len(e.Points))
			continue
		}
		if !onBorder(e.Points[0], byID[e.From], eps) {
			t.Errorf("edge %s→%s starts at %v, not on %s's box", e.From, e.To, e.Points[0], e.From)
		}
		if !onBorder(e.Points[len(e.Points)-1], byID[e.To], eps) {
			t.Errorf("edge %s→%s ends at %v, not on %s's box", e.From, e.To, e.Points[len(e.Points)-1], e.To)
		}
		for i := 1; i < len(e.Points); i++ {
			for _, n := range d.Nodes {
				if segmentHitsBox(e.Points[i-1], e.Points[i], n, 0.5) {
					t.Errorf("edge %s→%s segment %v–%v passes through node %s", e.From, e.To, e.Points[i-1], e.Points[i], n.ID)
				}
			}
		}
	}
}

func onBorder(p [2]float64, n graph.DrawNode, eps float64) bool {
	inX := p[0] >= n.X-eps && p[0] <= n.X+n.W+eps
	inY := p[1] >= n.Y-eps && p[1] <= n.Y+n.H+eps
	nearX := math.Abs(p[0]-n.X) <= eps || math.Abs(p[0]-n.X-n.W) <= eps
	nearY := math.Abs(p[1]-n.Y) <= eps || math.Abs(p[1]-n.Y-n.H) <= eps
	return inX && inY && (nearX || nearY)
}

// segmentHitsBox reports whether segment p–q enters the box shrunk by
// inset (Liang–Barsky clipping).
func segmentHitsBox(p, q [2]float64, n graph.DrawNode, inset float64) bool {
	x0, y0, x1, y1 := n.X+inset, n.Y+inset, n.X+n.W-inset, n.Y+n.H-inset
	dx, dy := q[0]-p[0], q[1]-p[1]
	t0, t1 := 0.0, 1.0
	for _, c := range [4][2]float64{{-dx, p[0] - x0}, {dx, x1 - p[0]}, {-dy, p[1] - y0}, {dy, y1 - p[1]}} {
		pk, qk := c[0], c[1]
		if pk == 0 {
			if qk < 0 {
				return false
			}
			continue
		}
		r := qk / pk
		if pk < 0 {
			if r > t1 {
				return false
			}
			t0 = max(t0, r)
		} else {
			if r < t0 {
				return false
			}
			t1 = min(t1, r)
		}
	}
	return t1-t0 > 1e-9
}

func TestSegmentHitsBox(t *testing.T) {
	box := graph.DrawNode{X: 10, Y: 10, W: 20, H: 10}
	tests := []struct {
		p, q [2]float64
		want bool
	}{
		{[2]float64{0, 15}, [2]float64{40, 15}, true},   // straight through
		{[2]float64{0, 0}, [2]float64{40, 0}, false},    // above
		{[2]float64{0, 15}, [2]float64{10, 15}, false},  // ends on the left border
		{[2]float64{30, 15}, [2]float64{50, 40}, false}, // starts on the right border, leaves
		{[2]float64{0, 5}, [2]float64{20, 25}, true},    // diagonal across a corner region
		{[2]float64{15, 12}, [2]float64{16, 13}, true},  // inside
	}
	for _, tt := range tests {
		if got := segmentHitsBox(tt.p, tt.q, box, 0.5); got != tt.want {
			t.Errorf("segment %v–%v: got %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
}
