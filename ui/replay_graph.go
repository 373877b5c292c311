package ui

import (
	"github.com/eventscope/eventscope/graph"
)

// replayGraph is the flow page's causal graph with every event box marked
// past, current or future at step cur and linked to its first step. A flow
// large enough to be drawn collapsed (boxes are groups, not events) gets
// no graph: the list of steps shows its events.
func (x *replayIndex) replayGraph(f *graph.Flow, cur int) (*graphView, bool) {
	g := buildGraphView(f, flowParams{FlowID: x.flowID}, -1)
	if g.Collapsed || g.Empty {
		return nil, g.Collapsed
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		k, ok := x.first[n.EventID]
		if !ok {
			continue
		}
		n.Class += " " + stepClass(k, cur)
		n.URL = x.stepURL(k + 1)
	}
	for i := range g.Edges {
		e := &g.Edges[i]
		from, okF := x.first[e.From]
		to, okT := x.first[e.To]
		if okF && okT {
			e.Class += " " + stepClass(max(from, to), cur) // drawn once both ends are
		}
	}
	return &g, false
}
