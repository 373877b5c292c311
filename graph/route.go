package graph

// loop is the size of a self-loop drawn over a node's top right corner.
const loop = 10.0

// revShift moves edges drawn against the layering below the others; it is
// less than half a node's height and than half the gap beside a dummy.
const revShift = 5.0

// route draws an edge along its chain of virtual nodes: out of a node's
// right side, horizontally to the end of its column, diagonally across the
// gap to the next column, horizontally to the next node's left side (a
// dummy is crossed at its own height). Reversed edges are drawn along the
// same points backwards, so every path starts at its From node.
func (v *virt) route(chain []int, rev bool, r *lresult, c, colX, colW []float64, lo *LayoutOptions) [][2]float64 {
	if len(chain) == 1 {
		u := chain[0]
		x, y := r.x[u]+v.w[u], r.y[u]
		d := max(min(loop, lo.NodeGap/2-1, lo.LayerGap/2-1), 1) // stay clear of neighbours
		return [][2]float64{{x, y + v.h[u]/4}, {x + d, y + v.h[u]/4}, {x + d, y - d},
			{x - 2*d, y - d}, {x - 2*d, y}}
	}
	var pts [][2]float64
	add := func(x, y float64) {
		if n := len(pts); n > 0 && pts[n-1] == [2]float64{x, y} {
			return
		}
		// a point on the same horizontal line as the two before replaces the last
		if n := len(pts); n > 1 && pts[n-1][1] == y && pts[n-2][1] == y {
			pts[n-1] = [2]float64{x, y}
			return
		}
		pts = append(pts, [2]float64{x, y})
	}
	for i, u := range chain {
		l := v.layer[u]
		left, right := colX[l], colX[l]+colW[l]
		if !v.dummy(u) {
			left, right = r.x[u], r.x[u]+v.w[u]
		}
		if i > 0 {
			add(colX[l], c[u])
			add(left, c[u])
		}
		if i < len(chain)-1 {
			add(right, c[u])
			add(colX[l]+colW[l], c[u])
		}
	}
	if rev {
		// drawn a little lower, so that it does not hide an edge running
		// the other way between the same nodes
		shift := max(min(revShift, lo.NodeGap/2-1, lo.NodeH/2-1), 0)
		for i := range pts {
			pts[i][1] += shift
		}
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	return pts
}
