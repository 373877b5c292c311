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
	var cols []nodeCol // by layer
	for i := range nodes {
		n := &nodes[i]
		for len(cols) <= n.Layer {
			cols = append(cols, nodeCol{x0: n.X, x1: n.X + n.W})
		}
		c := &cols[n.Layer]
		c.x0, c.x1 = min(c.x0, n.X), max(c.x1, n.X+n.W)
		c.boxes = append(c.boxes, box{n.X, n.Y, n.X + n.W, n.Y + n.H})
	}
	ix := &nodeIndex{cols: cols[:0]}
	for _, c := range cols {
		if len(c.boxes) > 0 {
			slices.SortStableFunc(c.boxes, func(a, b box) int { return cmp.Compare(a.y0, b.y0) })
			ix.cols = append(ix.cols, c)
		}
	}
	slices.SortStableFunc(ix.cols, func(a, b nodeCol) int { return cmp.Compare(a.x0, b.x0) })
	return ix
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

// labelGrid holds the boxes of the labels placed so far in cells: each
// cell's entries form a linked list through next, from head.
type labelGrid struct {
	head  map[int64]int32 // cell → its last entry + 1 (0: none)
	next  []int32         // entry → the cell's previous entry + 1
	boxes []int32         // entry → index into all
	all   []box
}

const cellW, cellH = 64.0, 32.0

func newLabelGrid(n int) *labelGrid {
	return &labelGrid{head: make(map[int64]int32, 2*n), all: make([]box, 0, n)}
}

func cellsOf(b box) (x0, y0, x1, y1 int64) {
	f := func(v, c float64) int64 { return int64(math.Floor(v / c)) }
	return f(b.x0, cellW), f(b.y0, cellH), f(b.x1, cellW), f(b.y1, cellH)
}

func (g *labelGrid) add(b box) {
	g.all = append(g.all, b)
	x0, y0, x1, y1 := cellsOf(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			g.next = append(g.next, g.head[x<<32^y])
			g.boxes = append(g.boxes, int32(len(g.all)-1))
			g.head[x<<32^y] = int32(len(g.next))
		}
	}
}

// overlap returns the area b shares with placed labels (counted once per
// cell they share).
func (g *labelGrid) overlap(b box) float64 {
	area := 0.0
	x0, y0, x1, y1 := cellsOf(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for i := g.head[x<<32^y]; i > 0; i = g.next[i-1] {
				area += g.all[g.boxes[i-1]].overlap(b)
			}
		}
	}
	return area
}

// segIndex holds the edges' segments in vertical strips: strip x holds
// segs[start[x]:start[x+1]].
type segIndex struct {
	start []int
	segs  []seg
}

type seg struct {
	a, b [2]float64
	edge int
}

const stripW = 32.0

func stripsOf(a, b [2]float64) (lo, hi int) {
	return int(max(min(a[0], b[0]), 0) / stripW), int(max(a[0], b[0], 0) / stripW)
}

func newSegIndex(edges []DrawEdge) *segIndex {
	ix := &segIndex{}
	for pass := 0; pass < 2; pass++ {
		for k, e := range edges {
			for i := 1; i < len(e.Points); i++ {
				lo, hi := stripsOf(e.Points[i-1], e.Points[i])
				for x := lo; x <= hi; x++ {
					if pass == 0 {
						for len(ix.start) <= x+1 {
							ix.start = append(ix.start, 0)
						}
						ix.start[x+1]++
					} else {
						ix.segs[ix.start[x]] = seg{e.Points[i-1], e.Points[i], k}
						ix.start[x]++
					}
				}
			}
		}
		if pass == 0 {
			for x := 1; x < len(ix.start); x++ {
				ix.start[x] += ix.start[x-1]
			}
			if len(ix.start) > 0 {
				ix.segs = make([]seg, ix.start[len(ix.start)-1])
			}
		}
	}
	if len(ix.start) > 0 { // filling moved each strip's start to its end
		copy(ix.start[1:], ix.start[:len(ix.start)-1])
		ix.start[0] = 0
	}
	return ix
}

// crossings counts the segments of edges other than edge that pass through
// b (a segment in several strips counts once per strip).
func (ix *segIndex) crossings(b box, edge int) int {
	n := 0
	lo, hi := int(max(b.x0, 0)/stripW), min(int(max(b.x1, 0)/stripW), len(ix.start)-2)
	for x := lo; x <= hi; x++ {
		for _, s := range ix.segs[ix.start[x]:ix.start[x+1]] {
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
