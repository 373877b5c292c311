package ui

import (
	"strconv"
	"strings"

	"github.com/eventscope/eventscope/graph"
)

// graphView is the causal graph drawn as SVG: graph.Layout's drawing with
// every number already formatted and every link already built.
type graphView struct {
	Width, Height string
	Nodes         []graphNodeView
	Edges         []graphEdgeView
	Collapsed     bool
	Events        int            // distinct events in the flow
	Groups        []groupRowView // when Collapsed: every group, for the list under the graph
	Empty         bool
	// NodeOf maps each record (Flow.Events index) to the ID of the box
	// that shows it: its event, or its group when collapsed (the
	// drawing's EventNode). The tree and the timeline link to it.
	NodeOf []string
	// CollapseURL collapses every expanded group again ("" when none is).
	CollapseURL, CollapseHX string
	// Marker prefixes the IDs of the arrowheads ("" is "g"): a page with
	// two graphs gives each its own.
	Marker string
}

func (v graphView) marker() string {
	if v.Marker == "" {
		return "g"
	}
	return v.Marker
}

// graphNodeView is one box: an event (a link that selects it) or a group
// of a collapsed flow (a link that expands it).
type graphNodeView struct {
	ID      string // event ID or group ID
	EventID string // "" for a group
	Group   string // group ID of a group or of an expanded group's member
	X, Y    string
	W, H    string
	TextX   string
	LabelY  string
	SubY    string
	DetailY string
	Label   string
	Sub     string
	Detail  string
	Title   string
	Class   string
	URL     string // the full page: select the event, or expand the group
	HX      string // htmx: for a group, the graph fragment with it expanded
	Count   int
	// Pending counts the consumer groups that read the event's topic and
	// have not read it (see markPending); BadgeX/Y place the badge.
	Pending        int
	PendingTitle   string
	BadgeX, BadgeY string
}

// graphEdgeView is one arrow with its latency label.
type graphEdgeView struct {
	From, To string
	D        string // SVG path
	Class    string
	Label    string
	LX, LY   string
}

// groupRowView is one group of a collapsed flow in the list under the graph.
type groupRowView struct {
	ID, Source, Type string
	Events, Records  int
	Hops             string // "min / p50 / max" of the hops into it; "" without
	First, Last      string // offsets from the flow's start
	Kinds            []string
	Critical         bool
	Expanded         bool
	ToggleURL        string // expand it, or collapse it again when expanded
	ToggleHX         string
	Shown, Rest      int    // expanded: members drawn one by one, and not
	More             int    // how many the next page draws
	MoreURL, MoreHX  string // the next page of members, when Rest > 0
}

// buildGraphView lays out f and turns the drawing into a view. sel is the
// selected record (-1 for none); its box gets the class "selected".
func buildGraphView(f *graph.Flow, p flowParams, sel int) graphView {
	d := graph.Layout(f, p.layoutOptions())
	v := graphView{Width: num(d.Width), Height: num(d.Height), Collapsed: d.Collapsed,
		Events: len(f.Vertices), Empty: len(d.Nodes) == 0}
	selNode := -1
	if sel >= 0 && sel < len(d.EventNode) {
		selNode = d.EventNode[sel]
	}
	v.NodeOf = make([]string, len(d.EventNode))
	for i, n := range d.EventNode {
		v.NodeOf[i] = d.Nodes[n].ID
	}
	v.Nodes = make([]graphNodeView, len(d.Nodes))
	for i := range d.Nodes {
		n := &d.Nodes[i]
		nv := graphNodeView{ID: n.ID, Group: n.Group, X: num(n.X), Y: num(n.Y), W: num(n.W), H: num(n.H),
			TextX: num(n.X + 10), LabelY: num(n.Y + 16), SubY: num(n.Y + 31), DetailY: num(n.Y + 46),
			Label: n.Label, Sub: n.Sub, Detail: n.Detail, Title: n.Title, Class: n.Class, Count: n.Count}
		if n.EventIndex >= 0 {
			nv.EventID = n.ID
			nv.URL, _ = p.eventURL(n.ID)
		} else {
			q := p.withExpand(n.ID)
			if p.expanded(n.ID) { // the members not drawn yet: the next page
				q = p.withMore()
			}
			nv.URL, nv.HX = q.url()+"#flow-graph", q.url()
		}
		if i == selNode {
			nv.Class += " selected"
		}
		v.Nodes[i] = nv
	}
	v.Edges = make([]graphEdgeView, len(d.Edges))
	for k := range d.Edges {
		e := &d.Edges[k]
		v.Edges[k] = graphEdgeView{From: e.From, To: e.To, D: pathD(e.Points), Class: e.Class,
			Label: e.Label, LX: num(e.LabelAt[0]), LY: num(e.LabelAt[1] - 3)}
	}
	if d.Collapsed {
		v.Groups = groupRows(d.Groups, f, p)
		if len(p.Expand) > 0 {
			q := p.withoutExpandAll()
			v.CollapseURL, v.CollapseHX = q.url()+"#flow-graph", q.url()
		}
	}
	return v
}

// groupRows lists the groups of a collapsed flow with expand/collapse links.
func groupRows(groups []graph.Group, f *graph.Flow, p flowParams) []groupRowView {
	rows := make([]groupRowView, 0, len(groups))
	for _, g := range groups {
		r := groupRowView{ID: g.ID, Source: g.Source, Type: g.Type, Events: len(g.Vertices), Records: g.Records,
			First: "+" + graph.FormatMS(msSince(f, g.First)), Last: "+" + graph.FormatMS(msSince(f, g.Last)),
			Kinds: g.Kinds, Critical: g.Critical, Expanded: p.expanded(g.ID), Shown: g.Shown}
		if rest := g.Rest(); rest > 0 {
			q := p.withMore()
			r.Rest, r.More, r.MoreURL, r.MoreHX = rest, min(rest, q.members()-p.members()), q.url()+"#flow-graph", q.url()
		}
		if g.HasHops {
			r.Hops = graph.FormatMS(g.MinMS) + " / " + graph.FormatMS(g.P50MS) + " / " + graph.FormatMS(g.MaxMS)
		}
		q := p.withExpand(g.ID)
		if r.Expanded {
			q = p.withoutExpand(g.ID)
		}
		r.ToggleURL, r.ToggleHX = q.url()+"#flow-graph", q.url()
		rows = append(rows, r)
	}
	return rows
}

// pathD is an SVG path through pts.
func pathD(pts [][2]float64) string {
	var b strings.Builder
	for i, pt := range pts {
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString(" L")
		}
		b.WriteString(num(pt[0]))
		b.WriteByte(' ')
		b.WriteString(num(pt[1]))
	}
	return b.String()
}

// num formats an SVG coordinate: shortest form, no exponent.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
