package ui

import (
	"net/url"

	"github.com/eventscope/eventscope/graph"
)

// CompareURL is the page comparing flow a with flow b (b may be Typical).
func CompareURL(a, b string) string {
	return "/compare?a=" + url.QueryEscape(a) + "&b=" + url.QueryEscape(b)
}

// compareView is the compare page: the two graphs side by side with what
// differs marked, and the tables of types and hops.
type compareView struct {
	A, B      compareSide
	Typical   *typicalPick
	Permalink string // the page with b naming the typical flow picked
	Same      bool
	Types     []compareTypeRow
	Hops      []compareHopRow
	// Resent: dead letters and redriven records by type, left out of the
	// comparison (graph.Flow.Compared).
	Resent []compareTypeRow
	// Only and Extra count the types present in one flow only and those
	// repeated more in one; Slower the shared hops slower in B.
	Only, Extra int
}

// compareSide is one of the two flows.
type compareSide struct {
	Name   string // "A" or "B"
	Header flowHeaderView
	URL    string
	Graph  graphView
}

type compareTypeRow struct {
	Type  string
	A, B  int
	Class string // "only-a", "only-b", "extra" or ""
}

type compareHopRow struct {
	From, To   string
	A, B       int
	P50A, P50B string
	Delta      string
	Class      string // "only-a", "only-b", "slower", "faster" or ""
}

// buildCompareView turns a comparison into the page's view.
func buildCompareView(c comparison) compareView {
	v := compareView{Typical: c.Typical, Same: c.Diff.Same}
	if c.Typical != nil {
		v.Permalink = CompareURL(c.AID, c.BID)
	}
	ta, tb := map[string]int{}, map[string]int{}
	for _, t := range c.Diff.Types {
		ta[t.Type], tb[t.Type] = t.A, t.B
		r := compareTypeRow{Type: t.Type, A: t.A, B: t.B}
		switch {
		case t.B == 0:
			r.Class = "only-a"
		case t.A == 0:
			r.Class = "only-b"
		case t.A != t.B:
			r.Class = "extra"
			v.Extra++
		}
		if t.A == 0 || t.B == 0 {
			v.Only++
		}
		v.Types = append(v.Types, r)
	}
	for _, t := range c.Diff.Resent {
		v.Resent = append(v.Resent, compareTypeRow{Type: t.Type, A: t.A, B: t.B, Class: "resent"})
	}
	ha, hb := map[graph.Hop]int{}, map[graph.Hop]int{}
	for _, h := range c.Diff.Hops {
		ha[h.Hop], hb[h.Hop] = h.A, h.B
		r := compareHopRow{From: h.From, To: h.To, A: h.A, B: h.B, P50A: "—", P50B: "—", Delta: "—"}
		if h.A > 0 {
			r.P50A = graph.FormatMS(h.P50A)
		}
		if h.B > 0 {
			r.P50B = graph.FormatMS(h.P50B)
		}
		switch {
		case h.B == 0:
			r.Class = "only-a"
		case h.A == 0:
			r.Class = "only-b"
		case h.DeltaMS != nil:
			r.Delta = fmtDelta(*h.DeltaMS)
			if *h.DeltaMS > 0 {
				r.Class = "slower"
			} else if *h.DeltaMS < 0 {
				r.Class = "faster"
			}
		}
		v.Hops = append(v.Hops, r)
	}
	v.A = compareSideOf("A", c.AID, c.A, ta, tb, hb)
	v.B = compareSideOf("B", c.BID, c.B, tb, ta, ha)
	return v
}

// compareSideOf draws one flow, its boxes and arrows classed by how they
// differ from the other flow: diff-only (its type or hop is absent there),
// diff-extra (a repetition beyond the other's count of that type). A box
// of a dead letter or a redriven record is not compared (it keeps its
// failure colours), nor are the arrows to it; arrows from it count from
// the event it resends, as graph.HopLatencies does.
func compareSideOf(name, id string, f *graph.Flow, mine, other map[string]int, otherHops map[graph.Hop]int) compareSide {
	g := buildGraphView(f, flowParams{FlowID: id}, -1)
	g.Marker = "c" + name
	typeOf := map[string]string{} // node ID -> type (of the event it resends, for one not compared)
	rank := map[string]int{}      // node ID -> its place among the nodes of its type
	seen := map[string]int{}
	skip := map[string]bool{} // node IDs not compared
	for i, n := range g.NodeOf {
		if _, ok := typeOf[n]; ok {
			continue
		}
		t := f.Events[i].Type
		if v := f.VertexOf[i]; !f.Compared(v) {
			skip[n] = true
			if r := f.Resends(v); r >= 0 {
				typeOf[n] = f.VertexType(r)
			}
			continue
		}
		typeOf[n], rank[n] = t, seen[t]
		seen[t]++
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		n.HX = "" // no #flow-graph to swap into here: a group links to its flow page, expanded
		t, ok := typeOf[n.ID]
		switch {
		case !ok || skip[n.ID]:
		case other[t] == 0:
			n.Class += " diff-only"
		case mine[t] > other[t] && (n.EventID == "" || rank[n.ID] >= other[t]):
			n.Class += " diff-extra"
		}
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		from, ok1 := typeOf[e.From]
		to, ok2 := typeOf[e.To]
		if ok1 && ok2 && !skip[e.To] && otherHops[graph.Hop{From: from, To: to}] == 0 {
			e.Class += " diff-only"
		}
	}
	return compareSide{Name: name, Header: headerOf(id, f), URL: FlowURL(id), Graph: g}
}

// compareNote says what a type row's class means.
func compareNote(class string) string {
	switch class {
	case "only-a":
		return "only in A"
	case "only-b":
		return "only in B"
	case "extra":
		return "repeated more in one"
	case "resent":
		return "dead letter or redrive of an event above: not compared"
	}
	return ""
}
