package ui

import "github.com/eventscope/eventscope/graph"

// buildFlowPage is the whole flow page for the state p: the header, tree
// and detail of buildFlowView plus the causal graph, the timeline and the
// export links. Every link keeps the page's state (expanded groups, zoom).
func buildFlowPage(f *graph.Flow, p flowParams) flowView {
	v := buildFlowView(p.FlowID, f, p.Event)
	v.Graph = buildGraphView(f, p, v.Selected)
	node := nodeOfRecords(f, &v.Graph, p)
	v.Timeline = buildTimelineView(f, p, node, v.Selected)
	for i := range v.Tree {
		r := &v.Tree[i]
		r.Node = node[r.Index]
		r.URL, r.HX = p.eventURL(r.EventID)
	}
	v.Exports = exportLinks(p.FlowID)
	return v
}

// nodeOfRecords maps each record of f to the ID of the graph box that shows
// it: its event's ID, or its group's ID when the group is collapsed.
func nodeOfRecords(f *graph.Flow, g *graphView, p flowParams) []string {
	out := make([]string, len(f.Events))
	if !g.Collapsed {
		for i := range f.Events {
			out[i] = f.Events[i].EventID
		}
		return out
	}
	for i := range f.Events {
		e := &f.Events[i]
		out[i] = graph.GroupID(e.Source, e.Type)
		if p.expanded(out[i]) {
			out[i] = e.EventID
		}
	}
	return out
}
