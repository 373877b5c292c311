package ui

import (
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// flowHeaderView sums up a flow.
type flowHeaderView struct {
	ID                     string
	First, Last            string
	FirstISO, LastISO      string
	Span                   string
	Events, Edges, Anomaly int
	Services, Topics       []string
}

// anomalyView is one anomaly with links to its events.
type anomalyView struct {
	Kind, Detail string
	Events       []eventLinkView
	More         int // events beyond maxAnomalyLinks
}

// Caps that keep the page small for flows with thousands of anomalies or
// effects; the JSON API has everything.
const (
	maxAnomaliesPerKind = 20
	maxAnomalyLinks     = 10
	maxEffectLinks      = 50
)

// treeRowView is one event in the indented causal tree.
type treeRowView struct {
	Anchor, EventID, Type, Source, Topic string
	Time, TimeISO, Hop                   string
	Depth                                int
	Index                                int    // record (Flow.Events)
	Node                                 string // the graph box that shows it (event or group ID)
	URL, HX                              string
	Selected, DecodeError                bool
	Duplicate                            bool // a re-publication of an earlier record's ID
	Anomalies                            []string
}

// maxTreeRows caps the rows of the event tree: beyond it the page would be
// megabytes of HTML (about 500 bytes a row). Larger flows show the first
// rows and say how many are left out; the JSON API has them all.
const maxTreeRows = 2000

// flowView is the flow page.
type flowView struct {
	Header    flowHeaderView
	Anomalies []anomalyView
	Tree      []treeRowView
	Omitted   int // tree rows left out (maxTreeRows)
	// AnomaliesOmitted counts anomalies not listed (maxAnomaliesPerKind).
	AnomaliesOmitted int
	APIURL           string // the flow's JSON
	Detail           eventDetailView
	HasDetail        bool
	Selected         int // record shown in the detail panel; -1 for none

	// Filled by buildFlowPage for the full page.
	Graph    graphView
	Timeline timelineView
	Exports  []exportLink
}

// buildFlowView turns a flow's causal graph into the flow page, with the
// event selected (first record with that ID; the first in tree order when
// empty or unknown) in the detail panel.
func buildFlowView(flowID string, f *graph.Flow, selected string) flowView {
	link := flowLinker(flowID)
	byID := map[string]int{}
	records := map[string][]int{}
	effects := map[string][]int{}
	var sources, topics []string
	for i := range f.Events {
		e := &f.Events[i]
		if _, ok := byID[e.EventID]; !ok {
			byID[e.EventID] = i
		}
		records[e.EventID] = append(records[e.EventID], i)
		if e.CausationID != "" {
			effects[e.CausationID] = append(effects[e.CausationID], i)
		}
		sources = append(sources, e.Source)
		topics = append(topics, e.Topic)
	}
	v := flowView{Header: flowHeaderView{
		ID: flowID, Events: len(f.Events), Edges: len(f.Edges), Anomaly: len(f.Anomalies),
		Services: distinct(sources), Topics: distinct(topics),
	}}
	if n := len(f.Events); n > 0 {
		first, last := f.Events[0].Time, f.Events[0].Time
		for i := range f.Events {
			if t := f.Events[i].Time; t.Before(first) {
				first = t
			} else if t.After(last) {
				last = t
			}
		}
		v.Header.First, v.Header.Last = fmtTime(first), fmtTime(last)
		v.Header.FirstISO, v.Header.LastISO = fmtRFC3339(first), fmtRFC3339(last)
		v.Header.Span = fmtSpan(first, last)
	}
	kinds := map[string][]string{}
	perKind := map[string]int{}
	for _, a := range f.Anomalies {
		for _, id := range a.EventIDs {
			kinds[id] = appendOnce(kinds[id], a.Kind)
		}
		if perKind[a.Kind]++; perKind[a.Kind] > maxAnomaliesPerKind {
			v.AnomaliesOmitted++
			continue
		}
		av := anomalyView{Kind: a.Kind, Detail: a.Detail}
		for j, id := range a.EventIDs {
			if j == maxAnomalyLinks {
				av.More = len(a.EventIDs) - j
				break
			}
			if i, ok := byID[id]; ok {
				av.Events = append(av.Events, link(&f.Events[i]))
			} else {
				av.Events = append(av.Events, eventLinkView{ID: id, Label: id})
			}
		}
		v.Anomalies = append(v.Anomalies, av)
	}
	sel := -1
	if i, ok := byID[selected]; ok {
		sel = i
	} else if len(f.Order) > 0 {
		sel = f.Order[0].Index
	}
	order := f.Order
	if len(order) > maxTreeRows {
		v.Omitted = len(order) - maxTreeRows
		order = order[:maxTreeRows]
	}
	v.APIURL = "/api" + FlowURL(flowID)
	for _, n := range order {
		e := &f.Events[n.Index]
		l := link(e)
		row := treeRowView{
			Anchor: eventAnchor(e.EventID), EventID: e.EventID, Type: label(e), Source: e.Source, Topic: e.Topic,
			Time: fmtTime(e.Time), TimeISO: fmtRFC3339(e.Time), Depth: n.Depth, Index: n.Index, URL: l.URL, HX: l.HX,
			Selected: n.Index == sel, Duplicate: !original(f, n.Index), DecodeError: e.DecodeError != "",
			Anomalies: kinds[e.EventID],
		}
		if row.Duplicate { // the original record owns the plain anchor
			row.Anchor = "record-" + e.Coordinates()
		}
		if n.HasCause {
			row.Hop = fmtDelta(n.HopMS)
		}
		v.Tree = append(v.Tree, row)
	}
	if sel >= 0 {
		e := &f.Events[sel]
		var cause *eventLinkView
		if i, ok := byID[e.CausationID]; ok && e.CausationID != "" {
			l := link(&f.Events[i])
			cause = &l
		}
		var effs []eventLinkView
		seen := map[string]bool{}
		for _, i := range effects[e.EventID] {
			if id := f.Events[i].EventID; !seen[id] { // one link per event, not per record
				seen[id] = true
				effs = append(effs, link(&f.Events[i]))
			}
		}
		more := 0
		if len(effs) > maxEffectLinks {
			more, effs = len(effs)-maxEffectLinks, effs[:maxEffectLinks]
		}
		v.Detail = detailFor(e, cause, effs, otherCoordinates(f.Events, records[e.EventID], sel))
		v.Detail.MoreEffects = more
		v.Detail.Diff = buildDiff(f.Events, sel, link)
		v.HasDetail = true
	}
	v.Selected = sel
	return v
}

// original reports whether record i is the first publication of its event
// ID (graph.Node.Duplicate marks every record of a duplicated ID).
func original(f *graph.Flow, i int) bool {
	if i >= len(f.VertexOf) {
		return true
	}
	return f.Vertices[f.VertexOf[i]].Records[0] == i
}

// otherCoordinates lists the coordinates of the records in idx other than self.
func otherCoordinates(events []event.Event, idx []int, self int) []string {
	var out []string
	for _, i := range idx {
		if i != self {
			out = append(out, events[i].Coordinates())
		}
	}
	return out
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
