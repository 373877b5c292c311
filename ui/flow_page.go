package ui

import "github.com/eventscope/eventscope/graph"

// buildFlowPage is the whole flow page for the state p: the header, tree
// and detail of buildFlowView plus the causal graph, the timeline and the
// export links. Every link keeps the page's state (expanded groups, zoom).
func buildFlowPage(f *graph.Flow, p flowParams) flowView {
	v := buildFlowView(p.FlowID, f, p.Event)
	v.Graph = buildGraphView(f, p, v.Selected)
	v.Lanes = p.Lanes
	v.GanttURL, v.LanesURL = p.withLanes(false).url()+"#flow-time", p.withLanes(true).url()+"#flow-time"
	if p.Lanes {
		v.Timeline = buildTimelineView(f, p, v.Graph.NodeOf, v.Selected)
	} else {
		v.Gantt = buildGanttView(f, p, v.Graph.NodeOf, v.Selected, v.kinds)
	}
	for i := range v.Tree {
		r := &v.Tree[i]
		r.Node = v.Graph.NodeOf[r.Index]
		r.URL, r.HX = p.eventURL(r.EventID)
	}
	v.Exports = exportLinks(p.FlowID)
	v.Header.Hidden = p.Hidden
	if p.Internal {
		for i := range f.Events {
			if f.Events[i].Internal {
				v.Header.Shown++
			}
		}
	}
	if v.Header.Hidden+v.Header.Shown > 0 {
		v.Header.ToggleURL = p.withInternal(!p.Internal).url()
	}
	return v
}
