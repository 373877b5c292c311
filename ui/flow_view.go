package ui

import (
	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"strconv"
)

// flowHeaderView sums up a flow.
type flowHeaderView struct {
	ID                     string
	First, Last            string
	FirstISO, LastISO      string
	Span                   string
	Events, Edges, Anomaly int
	Services, Topics       []string
	// The internal-topics toggle: Hidden records not shown, or Shown
	// internal records on show; ToggleURL flips it (empty: no internal
	// records in the flow).
	Hidden, Shown int
	ToggleURL     string
	// Status is the flow's diagnose status (Title and Class for people),
	// Reason the deciding failure's reason, Learned the flows a learned
	// baseline the analysis used came from (0: none).
	Status  diagnose.Meta
	Reason  string
	Learned int
}

// anomalyView is one anomaly with links to its events.
type anomalyView struct {
	Kind, Detail string
	Events       []eventLinkView
	More         int    // events beyond maxAnomalyLinks
	Count        string // "× 1,643" when that many anomalies read the same; "" for one
	n            int
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

// maxTreeRows caps the rows of the event tree: about nine DOM nodes a
// row, so 500 rows keep a 50,000-event flow's page under the 20,000-node
// budget (2,000 rows were 18,000 nodes on their own). Larger flows show
// the first rows (the root's causal subtrees first) and say how many are
// left out; the JSON API has them all.
const maxTreeRows = 500

// flowView is the flow page.
type flowView struct {
	Header    flowHeaderView
	Anomalies []anomalyView
	Tree      []treeRowView
	Gantt     ganttView
	kinds     map[string][]string // anomaly kinds by event ID
	Omitted   int                 // tree rows left out (maxTreeRows)
	// AnomaliesOmitted counts anomalies not listed (maxAnomaliesPerKind).
	AnomaliesOmitted int
	APIURL           string // the flow's JSON
	Detail           eventDetailView
	HasDetail        bool
	Selected         int // record shown in the detail panel; -1 for none

	// Filled by buildFlowPage for the full page.
	Graph    graphView
	Timeline timelineView // when Lanes; else Gantt
	Exports  []exportLink
	// Lanes shows the timeline in lanes per service instead of the Gantt
	// chart; GanttURL and LanesURL switch between the two.
	Lanes              bool
	GanttURL, LanesURL string
}

// buildFlowView turns a flow's causal graph into the flow page, with the
// event selected (first record with that ID; the first in tree order when
// empty or unknown) in the detail panel. It reads the flow through the
// graph's own indexes (vertices by event ID, their records and edges).
func buildFlowView(flowID string, f *graph.Flow, selected string) flowView {
	link := flowLinker(flowID)
	v := flowView{Header: headerOf(flowID, f), APIURL: "/api" + FlowURL(flowID), Selected: selectedRecord(f, selected)}
	kinds := v.addAnomalies(f, link)
	v.kinds = kinds
	order := f.Order
	if len(order) > maxTreeRows {
		v.Omitted = len(order) - maxTreeRows
		order = order[:maxTreeRows]
	}
	for _, n := range order {
		e := &f.Events[n.Index]
		l := link(e)
		row := treeRowView{
			Anchor: eventAnchor(e.EventID), EventID: e.EventID, Type: label(e), Source: e.Source, Topic: e.Topic,
			Time: fmtTime(e.Time), TimeISO: fmtRFC3339(e.Time), Depth: n.Depth, Index: n.Index, URL: l.URL, HX: l.HX,
			Selected: n.Index == v.Selected, Duplicate: !original(f, n.Index), DecodeError: e.DecodeError != "",
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
	if v.Selected >= 0 {
		v.Detail, v.HasDetail = flowDetail(f, v.Selected, link), true
	}
	return v
}

// headerOf sums up f.
func headerOf(flowID string, f *graph.Flow) flowHeaderView {
	var sources, topics []string
	for i := range f.Events {
		sources = append(sources, f.Events[i].Source)
		topics = append(topics, f.Events[i].Topic)
	}
	h := flowHeaderView{ID: flowID, Events: len(f.Events), Edges: len(f.Edges), Anomaly: len(f.Anomalies),
		Services: distinct(sources), Topics: distinct(topics), Reason: f.Reason, Learned: f.Learned}
	h.Status, _ = diagnose.StatusOf(f.Status)
	if len(f.Events) > 0 {
		h.First, h.Last = fmtTime(f.Start), fmtTime(f.End)
		h.FirstISO, h.LastISO = fmtRFC3339(f.Start), fmtRFC3339(f.End)
		h.Span = fmtSpan(f.Start, f.End)
	}
	return h
}

// addAnomalies lists f's anomalies (at most maxAnomaliesPerKind lines of
// a kind; anomalies that read the same are one line with a count and their
// events together) and returns the kinds each event ID is involved in.
func (v *flowView) addAnomalies(f *graph.Flow, link linker) map[string][]string {
	kinds := map[string][]string{}
	perKind := map[string]int{}
	line := map[[2]string]int{} // kind, detail: index into v.Anomalies
	for _, a := range f.Anomalies {
		for _, id := range a.EventIDs {
			kinds[id] = appendOnce(kinds[id], a.Kind)
		}
		if i, ok := line[[2]string{a.Kind, a.Detail}]; ok {
			av := &v.Anomalies[i]
			av.n++
			av.Count = "× " + fmtThousands(av.n)
			for _, id := range a.EventIDs {
				if len(av.Events) == maxAnomalyLinks {
					av.More++
					continue
				}
				if i, ok := firstRecord(f, id); ok {
					av.Events = append(av.Events, link(&f.Events[i]))
				} else {
					av.Events = append(av.Events, eventLinkView{ID: id, Label: id})
				}
			}
			continue
		}
		if perKind[a.Kind]++; perKind[a.Kind] > maxAnomaliesPerKind {
			v.AnomaliesOmitted++
			continue
		}
		line[[2]string{a.Kind, a.Detail}] = len(v.Anomalies)
		av := anomalyView{Kind: a.Kind, Detail: a.Detail, n: 1}
		for j, id := range a.EventIDs {
			if j == maxAnomalyLinks {
				av.More = len(a.EventIDs) - j
				break
			}
			if i, ok := firstRecord(f, id); ok {
				av.Events = append(av.Events, link(&f.Events[i]))
			} else {
				av.Events = append(av.Events, eventLinkView{ID: id, Label: id})
			}
		}
		v.Anomalies = append(v.Anomalies, av)
	}
	return kinds
}

// flowDetail is the detail panel of record sel: its cause, its effects
// (one link per effect event, through the graph's edges) and its other
// records.
func flowDetail(f *graph.Flow, sel int, link linker) eventDetailView {
	e := &f.Events[sel]
	var cause *eventLinkView
	if i, ok := firstRecord(f, e.CausationID); ok && e.CausationID != "" {
		l := link(&f.Events[i])
		cause = &l
	}
	vx := &f.Vertices[f.VertexOf[sel]]
	var effs []eventLinkView
	for _, k := range vx.Out { // one edge per effect event, in order of its first record
		if len(effs) == maxEffectLinks {
			break
		}
		for _, r := range f.Vertices[f.Edges[k].ToV].Records {
			if f.Events[r].CausationID == e.EventID { // the effect's first record that names this cause
				effs = append(effs, link(&f.Events[r]))
				break
			}
		}
	}
	d := detailFor(e, cause, effs, otherCoordinates(f.Events, vx.Records, sel))
	d.MoreEffects = len(vx.Out) - len(effs)
	d.Diff = buildDiff(f.Events, sel, link)
	return d
}

// selectedRecord is the record the detail panel shows for ?event=id: the
// first with that ID, else the first in tree order; -1 for an empty flow.
func selectedRecord(f *graph.Flow, id string) int {
	if i, ok := firstRecord(f, id); ok {
		return i
	}
	if len(f.Order) > 0 {
		return f.Order[0].Index
	}
	return -1
}

// firstRecord is the index in f.Events of the first record with event ID id.
func firstRecord(f *graph.Flow, id string) (int, bool) {
	v, ok := f.VertexByID(id)
	if !ok {
		return -1, false
	}
	return f.Vertices[v].Records[0], true
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

// fmtThousands writes n with commas between thousands: 1643 -> "1,643".
func fmtThousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + fmtThousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
