package graph

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// nodeIndex finds the node boxes a label box overlaps: nodes by column (a
// layer's nodes share a column and do not overlap), each column's nodes by
// top edge, so a query is a binary search per column it touches.
type nodeIndex struct {
	cols []nodeCol // left to right
}

type nodeCol struct {
	x0, x1 float64
	boxes  []box // by y0; y1 is sorted too as the boxes do not overlap
}

func newNodeIndex(nodes []DrawNode) *nodeIndex {
	byLayer := map[int]*nodeCol{}
	var ix nodeIndex
	for i := range nodes {
		n := &nodes[i]
		c := byLayer[n.Layer]
		if c == nil {
			c = &nodeCol{x0: n.X, x1: n.X + n.W}
			byLayer[n.Layer] = c
		}
		c.x0, c.x1 = min(c.x0, n.X), max(c.x1, n.X+n.W)
		c.boxes = append(c.boxes, box{n.X, n.Y, n.X + n.W, n.Y + n.H})
	}
	for _, c := range byLayer {
		slices.SortFunc(c.boxes, func(a, b box) int { return cmp.Compare(a.y0, b.y0) })
		ix.cols = append(ix.cols, *c)
	}
	slices.SortFunc(ix.cols, func(a, b nodeCol) int { return cmp.Compare(a.x0, b.x0) })
	return &ix
}

// overlap returns the area b shares with node boxes.
func (ix *nodeIndex) overlap(b box) float64 {
	area := 0.0
	for i := sort.Search(len(ix.cols), func(i int) bool { return ix.cols[i].x1 > b.x0 }); i < len(ix.cols) && ix.cols[i].x0 < b.x1; i++ {
		bs := ix.cols[i].boxes
		for j := sort.Search(len(bs), func(j int) bool { return bs[j].y1 > b.y0 }); j < len(bs) && bs[j].y0 < b.y1; j++ {
			area += bs[j].overlap(b)
		}
	}
	return area
}

// labelGrid holds the boxes of the labels placed so far in cells.
type labelGrid map[[2]int32][]box

const cellW, cellH = 64.0, 32.0

func cellsOf(b box) (x0, y0, x1, y1 int32) {
	f := func(v, c float64) int32 { return int32(math.Floor(v / c)) }
	return f(b.x0, cellW), f(b.y0, cellH), f(b.x1, cellW), f(b.y1, cellH)
}

func (g labelGrid) add(b box) {
	x0, y0, x1, y1 := cellsOf(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			g[[2]int32{x, y}] = append(g[[2]int32{x, y}], b)
		}
	}
}

// overlap returns the area b shares with placed labels (counted once per
// cell they share).
func (g labelGrid) overlap(b box) float64 {
	area := 0.0
	x0, y0, x1, y1 := cellsOf(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, o := range g[[2]int32{x, y}] {
				area += o.overlap(b)
			}
		}
	}
	return area
}

// segIndex holds the edges' segments in vertical strips.
type segIndex struct {
	strips [][]seg
}

type seg struct {
	a, b [2]float64
	edge int
}

const stripW = 32.0

func newSegIndex(edges []DrawEdge) *segIndex {
	ix := &segIndex{}
	for k, e := range edges {
		for i := 1; i < len(e.Points); i++ {
			s := seg{e.Points[i-1], e.Points[i], k}
			lo, hi := int(max(min(s.a[0], s.b[0]), 0)/stripW), int(max(s.a[0], s.b[0], 0)/stripW)
			for len(ix.strips) <= hi {
				ix.strips = append(ix.strips, nil)
			}
			for x := lo; x <= hi; x++ {
				ix.strips[x] = append(ix.strips[x], s)
			}
		}
	}
	return ix
}

// crossings counts the segments of edges other than edge that pass through
// b (a segment in several strips counts once per strip).
func (ix *segIndex) crossings(b box, edge int) int {
	n := 0
	lo, hi := int(max(b.x0, 0)/stripW), min(int(max(b.x1, 0)/stripW), len(ix.strips)-1)
	for x := lo; x <= hi; x++ {
		for _, s := range ix.strips[x] {
			if s.edge != edge && max(s.a[1], s.b[1]) > b.y0 && min(s.a[1], s.b[1]) < b.y1 && clips(s.a, s.b, b) {
				n++
			}
		}
	}
	return n
}

// clips reports whether segment p–q enters box b (Liang–Barsky).
func clips(p, q [2]float64, b box) bool {
	dx, dy := q[0]-p[0], q[1]-p[1]
	t0, t1 := 0.0, 1.0
	for _, c := range [4][2]float64{{-dx, p[0] - b.x0}, {dx, b.x1 - p[0]}, {-dy, p[1] - b.y0}, {dy, b.y1 - p[1]}} {
		if c[0] == 0 {
			if c[1] < 0 {
				return false
			}
			continue
		}
		r := c[1] / c[0]
		if c[0] < 0 {
			t0 = max(t0, r)
		} else {
			t1 = min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return t1-t0 > 1e-9
}
