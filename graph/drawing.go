package graph

import (
	"math"
	"strings"
)

// LayoutOptions size the drawing. Zero fields take the defaults noted.
type LayoutOptions struct {
	NodeH    float64 // node height (40); collapsed groups are 14 taller
	MinNodeW float64 // 96
	MaxNodeW float64 // 220; longer labels are cut with "…" (Title keeps them)
	CharW    float64 // estimated width of one character of the UI font (7)
	PadX     float64 // horizontal padding inside a node (10)
	LayerGap float64 // horizontal gap between layers (64)
	NodeGap  float64 // vertical gap between nodes of one layer (18)
	Margin   float64 // around the drawing (20)
	Sweeps   int     // crossing-reduction sweeps (8)
	// CollapseAbove: flows with more distinct events are drawn as groups
	// by (source, type); 0 means 300, negative never collapses.
	CollapseAbove int
	// Expand names groups (GroupID) drawn as their member events when the
	// flow is collapsed.
	Expand map[string]bool
	// ExpandLimit is how many members of an expanded group are drawn one
	// by one (the rest stay in one box); 0 means DefaultExpandLimit,
	// negative draws them all.
	ExpandLimit int
	// HideBlockedLabels: an edge label that finds no place free of boxes,
	// other labels and the drawing's edge is not drawn; its text moves to
	// the edge's Title (the service map shows it on hover and in its edge
	// table). Otherwise it goes where it overlaps least.
	HideBlockedLabels bool
}

// DefaultExpandLimit is LayoutOptions.ExpandLimit's default: a page of
// members keeps an expanded group's drawing to a few thousand SVG nodes.
const DefaultExpandLimit = 200

// expandLimit is ExpandLimit for Collapse (0: no limit).
func (o *LayoutOptions) expandLimit() int {
	switch {
	case o.ExpandLimit == 0:
		return DefaultExpandLimit
	case o.ExpandLimit < 0:
		return 0
	}
	return o.ExpandLimit
}

func (o *LayoutOptions) defaults() {
	def := func(p *float64, v float64) {
		if *p <= 0 {
			*p = v
		}
	}
	def(&o.NodeH, 40)
	def(&o.MinNodeW, 96)
	def(&o.MaxNodeW, 220)
	def(&o.CharW, 7)
	def(&o.PadX, 10)
	def(&o.LayerGap, 64)
	def(&o.NodeGap, 18)
	def(&o.Margin, 20)
	if o.Sweeps <= 0 {
		o.Sweeps = 8
	}
	if o.CollapseAbove == 0 {
		o.CollapseAbove = 300
	}
}

// Drawing is a laid-out graph in SVG user units: x grows right, y down.
type Drawing struct {
	Width, Height float64
	Nodes         []DrawNode
	Edges         []DrawEdge
	// Collapsed is true when nodes stand for groups of events; Groups then
	// lists every group, expanded or not.
	Collapsed bool
	Groups    []Group
	// EventNode maps each record (Flow.Events index) to the index in Nodes
	// of the box that shows it: its event, or its group when collapsed.
	// Nil for a service map.
	EventNode []int
}

// DrawNode is one box of a drawing.
type DrawNode struct {
	// ID is the event ID, the group ID (GroupID) of a collapsed group, or
	// the service-map node ID.
	ID string
	// EventIndex indexes Flow.Events (the original record); -1 for a group
	// or a service-map node.
	EventIndex int
	// Group is the group ID of a collapsed group or of an expanded group's
	// member; "" otherwise.
	Group string
	// X and Y are the top-left corner; W and H the size.
	X, Y, W, H float64
	// Label is the first line (event type, group type, name), Sub the
	// second (source and time since the flow started; source and count for
	// a group) and Detail a third one for groups (hop latencies). They are
	// cut to fit W; Title holds the full text for a tooltip.
	Label, Sub, Detail, Title string
	// Class lists CSS classes: the node kind ("event", "group", "member",
	// "service", "topic"), then "root", "critical", "duplicate", "missing-cause"
	// when they apply, then the anomaly kinds ("orphan", "stalled", ...).
	Class    string
	Count    int      // records of the event (duplicates) or events in the group
	Kinds    []string // anomaly kinds, sorted
	Critical bool
	Layer    int
}

// DrawEdge is one arrow of a drawing: a polyline from From's box to To's box.
type DrawEdge struct {
	From, To string
	Points   [][2]float64
	// Label is the latency ("120ms"), or for aggregated edges the count
	// and the median latency ("×40 · 120ms").
	Label string
	// Title is the whole label when Label had to be cut; "" otherwise.
	Title string
	// LabelAt is where the label goes: centre it on LabelAt's x with its
	// baseline 3 above LabelAt's y. It is a point along the edge where the
	// label's box (LabelBox) overlaps no node and no other label when the
	// edge has one; see placeLabels.
	LabelAt   [2]float64
	Class     string // "edge" plus "critical", "cyclic", "slow", "out_of_order"
	Critical  bool
	Count     int
	LatencyMS float64 // the latency, or the median for aggregated edges
}

// Layout lays the flow out left to right in causal order. Flows with more
// than opts.CollapseAbove distinct events are drawn collapsed (see Collapse).
func Layout(f *Flow, opts LayoutOptions) *Drawing {
	fitGap := opts.LayerGap <= 0
	opts.defaults()
	if opts.collapses(f) {
		return layoutCollapsed(f, Collapse(f, opts.Expand, opts.expandLimit()), &opts, fitGap)
	}
	g := &lgraph{minLayer: make([]int, len(f.Vertices))}
	d := &Drawing{Nodes: make([]DrawNode, len(f.Vertices)), Edges: make([]DrawEdge, len(f.Edges))}
	for v := range f.Vertices {
		d.Nodes[v] = eventNode(f, v, &opts)
		g.w = append(g.w, d.Nodes[v].W)
		g.h = append(g.h, d.Nodes[v].H)
		if f.Vertices[v].Missing && len(f.Vertices[v].In) == 0 && v > 0 {
			g.minLayer[v] = f.Vertices[v-1].Depth // an orphan sits where it happened
		}
	}
	for k := range f.Edges {
		e := &f.Edges[k]
		g.edges = append(g.edges, [2]int{e.FromV, e.ToV})
		d.Edges[k] = DrawEdge{From: e.From, To: e.To, Label: FormatMS(e.LatencyMS), Critical: e.Critical,
			Count: e.Records, LatencyMS: e.LatencyMS, Class: edgeClass(e.Critical, e.Cyclic, e.Slow, e.LatencyMS < 0)}
		if e.Kind == EdgeCopy {
			d.Edges[k].Label = "copy · " + d.Edges[k].Label
			d.Edges[k].Class += " copy"
		}
	}
	d.EventNode = make([]int, len(f.Events))
	copy(d.EventNode, f.VertexOf)
	place(d, g, &opts, fitGap)
	return d
}

// place runs the layered layout and copies its coordinates into d. With
// fitGap (the caller left LayerGap to its default) the gap between columns
// is widened, up to maxLabelGap, to fit the widest edge label.
func place(d *Drawing, g *lgraph, opts *LayoutOptions, fitGap bool) {
	if fitGap {
		widest := 0.0
		for k := range d.Edges {
			widest = max(widest, labelWidth(d.Edges[k].Label, opts.CharW))
		}
		opts.LayerGap = min(max(opts.LayerGap, widest+12), maxLabelGap)
	}
	r := layered(g, opts)
	d.Width, d.Height = round1(r.width), round1(r.height)
	for i := range d.Nodes {
		d.Nodes[i].X, d.Nodes[i].Y, d.Nodes[i].Layer = round1(r.x[i]), round1(r.y[i]), r.layer[i]
	}
	for k := range d.Edges {
		for i, p := range r.paths[k] {
			r.paths[k][i] = [2]float64{round1(p[0]), round1(p[1])}
		}
		d.Edges[k].Points = r.paths[k]
	}
	placeLabels(d, opts)
}

func eventNode(f *Flow, v int, o *LayoutOptions) DrawNode {
	vx := &f.Vertices[v]
	e := &f.Events[vx.Records[0]]
	label := e.Type
	if label == "" {
		label = "(no type)"
	}
	sub := e.Source + " · +" + FormatMS(ms(e.Time.Sub(f.Start)))
	title := label + "\n" + e.EventID + "\n" + sub
	if ts := vx.Topics(f); len(ts) > 1 { // one event published to several topics
		title += "\npublished to " + strings.Join(ts, ", ")
	}
	if len(vx.Records) > 1 {
		sub += " · ×" + itoa(len(vx.Records))
	}
	cls := []string{"event"}
	if len(vx.In) == 0 {
		cls = append(cls, "root")
	}
	if vx.Critical {
		cls = append(cls, "critical")
	}
	if vx.Dup {
		cls = append(cls, "duplicate")
	}
	if vx.Copy {
		cls = append(cls, "copy")
	}
	if vx.Missing {
		cls = append(cls, "missing-cause")
	}
	if vx.Trigger {
		cls = append(cls, "trigger")
		title += "\nstarted by " + vx.CauseID + " (the flow's trigger, not on Kafka)"
	}
	if vx.Unpublished {
		cls = append(cls, "trigger")
		title += "\ncaused by " + vx.CauseID + " (a command or other message its framework does not publish to Kafka)"
	}
	if fl := vx.Failure; fl != nil {
		cls = append(cls, "failed")
		if fl.Reason != "" {
			title += "\nfailed: " + fl.Reason
			sub = fl.Reason // the reason on the node
		}
	}
	cls = append(cls, vx.Kinds...)
	n := DrawNode{ID: vx.ID, EventIndex: vx.Records[0], Title: title, Class: strings.Join(cls, " "),
		Count: len(vx.Records), Kinds: vx.Kinds, Critical: vx.Critical, H: o.NodeH}
	n.W, n.Label, n.Sub = fit(o, label, sub)
	return n
}

// fit sizes a box for its lines and cuts lines that do not fit.
func fit(o *LayoutOptions, lines ...string) (float64, string, string) {
	longest := 0
	for _, l := range lines {
		longest = max(longest, len([]rune(l)))
	}
	w := min(max(float64(longest)*o.CharW+2*o.PadX, o.MinNodeW), o.MaxNodeW)
	maxChars := int((w - 2*o.PadX) / o.CharW)
	for i, l := range lines {
		if r := []rune(l); len(r) > maxChars {
			lines[i] = string(r[:max(maxChars-1, 0)]) + "…"
		}
	}
	for len(lines) < 2 {
		lines = append(lines, "")
	}
	return w, lines[0], lines[1]
}

func edgeClass(critical, cyclic, slow, outOfOrder bool) string {
	cls := "edge"
	if critical {
		cls += " critical"
	}
	if cyclic {
		cls += " cyclic"
	}
	if slow {
		cls += " slow"
	}
	if outOfOrder {
		cls += " out_of_order"
	}
	return cls
}

// round1 rounds to a tenth: SVG needs no more, and it keeps output short.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// labelAt picks the label point of a path (see DrawEdge.LabelAt).
func labelAt(pts [][2]float64, gap float64) [2]float64 {
	best, bestLen := -1, -1.0
	for i := len(pts) - 1; i > 0; i-- {
		dx, dy := pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1]
		if dx >= 0.9*gap && dx <= gap+0.5 {
			best = i
			break
		}
		if l := dx*dx + dy*dy; l > bestLen {
			best, bestLen = i, l
		}
	}
	if best < 0 {
		return [2]float64{}
	}
	a, b := pts[best-1], pts[best]
	return [2]float64{round1((a[0] + b[0]) / 2), round1((a[1] + b[1]) / 2)}
}

// collapses reports whether Layout draws f as groups.
func (o *LayoutOptions) collapses(f *Flow) bool {
	return o.CollapseAbove >= 0 && len(f.Vertices) > o.CollapseAbove
}

// NodeIDs returns, for each record of f, the ID of the box Layout(f, opts)
// draws it in (Drawing.EventNode as IDs): its event's ID, or its group's
// ID when the flow is collapsed and the group not expanded. It costs a
// Collapse, not a layout, for views that link to the boxes without drawing
// them.
func NodeIDs(f *Flow, opts LayoutOptions) []string {
	opts.defaults()
	out := make([]string, len(f.Events))
	if !opts.collapses(f) {
		for i := range f.Events {
			out[i] = f.Vertices[f.VertexOf[i]].ID
		}
		return out
	}
	c := Collapse(f, opts.Expand, opts.expandLimit())
	for i := range f.Events {
		out[i] = c.Units[c.UnitOf[f.VertexOf[i]]].ID
	}
	return out
}
