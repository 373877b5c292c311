package graph

import (
	"cmp"
	"iter"
	"math"
	"slices"
	"unicode/utf8"
)

// Edge labels are placed where they cover no node box and no other label
// when the edge offers such a place: candidate points along the edge's
// segments (the gap crossing nearest the target first, then the longest
// segments; just before the end of a steep one, the middle, then towards
// either end; above, below and across the line) are tried in order, and the first free one wins, else the one
// that overlaps least (or, with LayoutOptions.HideBlockedLabels, none:
// its text moves to the edge's Title). Boxes are estimated: a label's text is drawn in a
// 10px font (node text is 12px, CharW wide per character), centred on
// LabelAt's x with its baseline 3 above LabelAt's y.

const (
	labelH     = 13.0      // height of a label's box, whose bottom is LabelAt's y
	labelPad   = 2.0       // room either side of a label's text
	labelScale = 10.0 / 12 // label font size relative to node text
	// Drawings with more edges keep the plain rule (labelAt): they are too
	// big to read every label, and the search would cost layout time.
	maxPlacedEdges = 3000
	// Up to this many edges, labels also avoid crossing other edges.
	maxCrossChecked = 400
	// maxLabelGap bounds the gap between columns widened for labels.
	maxLabelGap = 240.0
)

// LabelBox returns the box, x0, y0, x1, y1, that the label of e takes up,
// estimated as placeLabels does, for charW the layout's CharW (0 means 7).
func LabelBox(e DrawEdge, charW float64) [4]float64 {
	if charW <= 0 {
		charW = 7
	}
	b := labelBox(e.LabelAt, labelWidth(e.Label, charW))
	return [4]float64{b.x0, b.y0, b.x1, b.y1}
}

type box struct{ x0, y0, x1, y1 float64 }

// overlap returns the area a and b share.
func (a box) overlap(b box) float64 {
	w, h := min(a.x1, b.x1)-max(a.x0, b.x0), min(a.y1, b.y1)-max(a.y0, b.y0)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

func labelWidth(label string, charW float64) float64 {
	return float64(utf8.RuneCountInString(label))*charW*labelScale + 2*labelPad
}

func labelBox(at [2]float64, w float64) box {
	return box{at[0] - w/2, at[1] - labelH, at[0] + w/2, at[1]}
}

// placeLabels sets every edge's LabelAt (see the comment at the top).
func placeLabels(d *Drawing, o *LayoutOptions) {
	if len(d.Edges) > maxPlacedEdges {
		for k := range d.Edges {
			d.Edges[k].LabelAt = labelAt(d.Edges[k].Points, o.LayerGap)
		}
		return
	}
	nodes := newNodeIndex(d.Nodes)
	labels := newLabelGrid(len(d.Edges))
	var segs *segIndex
	if len(d.Edges) <= maxCrossChecked {
		segs = newSegIndex(d.Edges)
	}
	canvas := box{0, 0, d.Width, d.Height}
	var order []int
	for k := range d.Edges {
		e := &d.Edges[k]
		if e.Label == "" {
			e.LabelAt = labelAt(e.Points, o.LayerGap)
			continue
		}
		w := labelWidth(e.Label, o.CharW)
		order = segmentOrder(order[:0], e.Points, o.LayerGap)
		best, bestCost, blocked := [2]float64{}, math.Inf(1), true
		for at := range candidates(order, e.Points) {
			b := labelBox(at, w)
			cost := 1000*nodes.overlap(b) + 100*labels.overlap(b)
			if out := b.overlap(canvas); out < (b.x1-b.x0)*labelH {
				cost += 1000 * ((b.x1-b.x0)*labelH - out)
			}
			overlaps := cost > 0
			if cost < bestCost && segs != nil {
				cost += 30 * float64(segs.crossings(b, k))
			}
			if cost < bestCost {
				best, bestCost, blocked = at, cost, overlaps
			}
			if cost == 0 {
				break
			}
		}
		if math.IsInf(bestCost, 1) {
			best = labelAt(e.Points, o.LayerGap)
		}
		if blocked && o.HideBlockedLabels {
			if e.Title == "" {
				e.Title = e.Label
			}
			e.Label, e.LabelAt = "", labelAt(e.Points, o.LayerGap)
			continue
		}
		e.LabelAt = [2]float64{round1(best[0]), round1(best[1])}
		labels.add(labelBox(e.LabelAt, w))
	}
}

// segmentOrder lists the indexes i of the segments pts[i-1]–pts[i] to put
// a label on, best first: the gap crossings from the last, then the other
// segments longest first; six at most.
func segmentOrder(order []int, pts [][2]float64, gap float64) []int {
	crossings := 0
	for i := len(pts) - 1; i > 0; i-- {
		if dx := math.Abs(pts[i][0] - pts[i-1][0]); dx >= 0.9*gap && dx <= gap+0.5 {
			order = append(order, i)
			crossings++
		}
	}
	for i := len(pts) - 1; i > 0; i-- {
		if dx := math.Abs(pts[i][0] - pts[i-1][0]); !(dx >= 0.9*gap && dx <= gap+0.5) && segLen(pts, i) >= 1 {
			order = append(order, i)
		}
	}
	rest := order[crossings:]
	slices.SortStableFunc(rest, func(a, b int) int { return cmp.Compare(segLen(pts, b), segLen(pts, a)) })
	return order[:min(len(order), 6)]
}

func segLen(pts [][2]float64, i int) float64 {
	return math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
}

// candidates yields the label points to try along the segments in order:
// the middle, then towards either end; above, below and (on a slanted
// segment) across the line. On a steep segment, points a little before
// its end come first, so that the label stays near its target instead of
// floating halfway along a long line.
func candidates(order []int, pts [][2]float64) iter.Seq[[2]float64] {
	return func(yield func([2]float64) bool) {
		ts := make([]float64, 0, 7)
		for _, i := range order {
			a, b := pts[i-1], pts[i]
			ts = ts[:0]
			if dy := math.Abs(b[1] - a[1]); dy > 6*labelH {
				ts = append(ts, 1-(labelH+11)/dy, 1-(2*labelH+14)/dy)
			}
			for _, t := range append(ts, 0.5, 0.35, 0.65, 0.2, 0.8) {
				p := [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
				if !yield(p) || !yield([2]float64{p[0], p[1] + labelH + 1}) {
					return
				}
				if a[1] != b[1] && !yield([2]float64{p[0], p[1] + labelH/2}) {
					return
				}
			}
		}
	}
}
