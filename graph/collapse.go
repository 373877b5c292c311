package graph

import (
	"slices"
	"strings"
	"time"
)

// Group is the set of a flow's events with one source and type.
type Group struct {
	ID           string // GroupID(Source, Type)
	Source, Type string
	Vertices     []int // Flow.Vertices, in order
	Records      int   // records, duplicates included
	First, Last  time.Time
	// Latencies of the hops into the group's events: min, median, max;
	// HasHops is false when no member has a cause.
	HasHops             bool
	MinMS, P50MS, MaxMS float64
	Kinds               []string // anomaly kinds among the members, sorted
	Critical            bool     // a member is on the critical path
	Expanded            bool
	// Shown is how many members an expanded group draws one by one (at
	// most the limit given to Collapse); the others stay in one box with
	// the group's ID.
	Shown int
}

// Rest is how many members of an expanded group are not drawn one by one.
func (g *Group) Rest() int {
	if !g.Expanded {
		return 0
	}
	return len(g.Vertices) - g.Shown
}

// GroupID is the ID of the group of events with this source and type.
func GroupID(source, typ string) string { return "group:" + source + "/" + typ }

// Unit is one box of a collapsed flow: a whole group, or one event of an
// expanded group.
type Unit struct {
	ID     string // group ID or event ID
	Group  int    // index into Collapsed.Groups
	Vertex int    // Flow.Vertices index for an event; -1 for a group
}

// UnitEdge aggregates the flow's edges between two units.
type UnitEdge struct {
	From, To            int // Collapsed.Units
	Count               int
	MinMS, P50MS, MaxMS float64
	Critical, Cyclic    bool
}

// Collapsed is a flow folded into groups by (source, type).
type Collapsed struct {
	Groups []Group    // in order of first event
	Units  []Unit     // in order of first event
	UnitOf []int      // per vertex: its unit
	Edges  []UnitEdge // in order of first flow edge
}

// Collapse folds the flow's events into groups by (source, type); groups
// named in expand (by GroupID) keep their first limit events (all when
// limit <= 0) as units of their own, and the rest in one unit with the
// group's ID.
func Collapse(f *Flow, expand map[string]bool, limit int) *Collapsed {
	c := &Collapsed{UnitOf: make([]int, len(f.Vertices))}
	groupOf := make([]int, len(f.Vertices))
	byID := map[string]int{}
	groupUnit := map[int]int{}
	for v := range f.Vertices {
		e := &f.Events[f.Vertices[v].Records[0]]
		id := GroupID(e.Source, e.Type)
		g, ok := byID[id]
		if !ok {
			g = len(c.Groups)
			byID[id] = g
			c.Groups = append(c.Groups, Group{ID: id, Source: e.Source, Type: e.Type, First: e.Time, Last: e.Time, Expanded: expand[id]})
		}
		groupOf[v] = g
		gr := &c.Groups[g]
		gr.Vertices = append(gr.Vertices, v)
		gr.Records += len(f.Vertices[v].Records)
		gr.First, gr.Last = minTime(gr.First, e.Time), maxTime(gr.Last, e.Time)
		gr.Critical = gr.Critical || f.Vertices[v].Critical
		for _, k := range f.Vertices[v].Kinds {
			if !slices.Contains(gr.Kinds, k) {
				gr.Kinds = append(gr.Kinds, k)
			}
		}
		switch u, ok := groupUnit[g]; {
		case gr.Expanded && (limit <= 0 || gr.Shown < limit):
			gr.Shown++
			c.UnitOf[v] = len(c.Units)
			c.Units = append(c.Units, Unit{ID: f.Vertices[v].ID, Group: g, Vertex: v})
		case ok:
			c.UnitOf[v] = u
		default:
			groupUnit[g] = len(c.Units)
			c.UnitOf[v] = len(c.Units)
			c.Units = append(c.Units, Unit{ID: id, Group: g, Vertex: -1})
		}
	}
	hops := make([][]float64, len(c.Groups))
	pair := map[[2]int]int{}
	var lat [][]float64
	for k := range f.Edges {
		e := &f.Edges[k]
		hops[groupOf[e.ToV]] = append(hops[groupOf[e.ToV]], e.LatencyMS)
		key := [2]int{c.UnitOf[e.FromV], c.UnitOf[e.ToV]}
		i, ok := pair[key]
		if !ok {
			i = len(c.Edges)
			pair[key] = i
			c.Edges = append(c.Edges, UnitEdge{From: key[0], To: key[1]})
			lat = append(lat, nil)
		}
		c.Edges[i].Count++
		c.Edges[i].Critical = c.Edges[i].Critical || e.Critical
		c.Edges[i].Cyclic = c.Edges[i].Cyclic || e.Cyclic
		lat[i] = append(lat[i], e.LatencyMS)
	}
	for i := range c.Edges {
		st := statsOf(lat[i])
		c.Edges[i].MinMS, c.Edges[i].P50MS, c.Edges[i].MaxMS = lat[i][0], st.P50MS, st.MaxMS
	}
	for g := range c.Groups {
		slices.Sort(c.Groups[g].Kinds)
		if len(hops[g]) > 0 {
			st := statsOf(hops[g])
			gr := &c.Groups[g]
			gr.HasHops, gr.MinMS, gr.P50MS, gr.MaxMS = true, hops[g][0], st.P50MS, st.MaxMS
		}
	}
	return c
}

// layoutCollapsed draws the units of a collapsed flow.
func layoutCollapsed(f *Flow, c *Collapsed, o *LayoutOptions, fitGap bool) *Drawing {
	d := &Drawing{Collapsed: true, Groups: c.Groups, Nodes: make([]DrawNode, len(c.Units)), Edges: make([]DrawEdge, len(c.Edges))}
	g := &lgraph{}
	for i, u := range c.Units {
		gr := &c.Groups[u.Group]
		if u.Vertex >= 0 {
			d.Nodes[i] = eventNode(f, u.Vertex, o)
			d.Nodes[i].Group = gr.ID
			d.Nodes[i].Class = "member " + d.Nodes[i].Class
		} else {
			d.Nodes[i] = groupNode(gr, f.Start, o)
			if rest := gr.Rest(); rest > 0 {
				d.Nodes[i].Sub = gr.Source + " · " + itoa(rest) + " more"
				d.Nodes[i].Class += " rest"
				d.Nodes[i].Count = rest
				d.Nodes[i].Title = gr.Type + "\n" + itoa(rest) + " more of " + itoa(len(gr.Vertices)) + " events (select to show more)"
			}
		}
		g.w = append(g.w, d.Nodes[i].W)
		g.h = append(g.h, d.Nodes[i].H)
	}
	for k, e := range c.Edges {
		g.edges = append(g.edges, [2]int{e.From, e.To})
		label := FormatMS(e.P50MS)
		if e.Count > 1 {
			label = "×" + itoa(e.Count) + " · " + label
		}
		d.Edges[k] = DrawEdge{From: c.Units[e.From].ID, To: c.Units[e.To].ID, Label: label, Critical: e.Critical,
			Count: e.Count, LatencyMS: e.P50MS, Class: edgeClass(e.Critical, e.Cyclic, false, e.MinMS < 0)}
	}
	d.EventNode = make([]int, len(f.Events))
	for i, v := range f.VertexOf {
		d.EventNode[i] = c.UnitOf[v]
	}
	place(d, g, o, fitGap)
	return d
}

func groupNode(gr *Group, start time.Time, o *LayoutOptions) DrawNode {
	label := gr.Type
	if label == "" {
		label = "(no type)"
	}
	sub := gr.Source + " · ×" + itoa(len(gr.Vertices))
	detail := "+" + FormatMS(ms(gr.First.Sub(start))) + " … +" + FormatMS(ms(gr.Last.Sub(start)))
	if gr.HasHops {
		detail = "hop " + FormatMS(gr.MinMS) + " / " + FormatMS(gr.P50MS) + " / " + FormatMS(gr.MaxMS)
	}
	cls := []string{"group"}
	if gr.Critical {
		cls = append(cls, "critical")
	}
	cls = append(cls, gr.Kinds...)
	n := DrawNode{ID: gr.ID, EventIndex: -1, Group: gr.ID, H: o.NodeH + 14, Count: len(gr.Vertices),
		Kinds: gr.Kinds, Critical: gr.Critical, Class: strings.Join(cls, " "),
		Title: label + "\n" + sub + " events\n" + detail}
	if gr.HasHops {
		n.Title += " (min / p50 / max)"
	}
	lines := []string{label, sub, detail}
	n.W, n.Label, n.Sub = fit(o, lines...)
	n.Detail = lines[2]
	return n
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
