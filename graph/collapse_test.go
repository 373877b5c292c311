package graph_test

import (
	"strconv"
	"testing"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
	"github.com/google/go-cmp/cmp"
)

// pizzas: one order, three pizzas prepared after 100, 200 and 400ms, each
// boxed 50ms later.
func pizzas() *graph.Flow {
	return graph.Build(seq(ev("r", "", "OrderPlaced", 0), ev("p1", "r", "PizzaPrepared", 100), ev("b1", "p1", "PizzaBoxed", 150),
		ev("p2", "r", "PizzaPrepared", 200), ev("b2", "p2", "PizzaBoxed", 250), ev("p3", "r", "PizzaPrepared", 400),
		ev("b3", "p3", "PizzaBoxed", 450)), graph.Options{})
}

func TestCollapse(t *testing.T) {
	f := pizzas()
	c := graph.Collapse(f, nil, 0)
	prepared := graph.GroupID("svc-PizzaPrepared", "PizzaPrepared")
	wantGroups := []graph.Group{
		{ID: graph.GroupID("svc-OrderPlaced", "OrderPlaced"), Source: "svc-OrderPlaced", Type: "OrderPlaced", Vertices: []int{0}, Records: 1, First: t0, Last: t0},
		{ID: prepared, Source: "svc-PizzaPrepared", Type: "PizzaPrepared", Vertices: []int{1, 3, 5}, Records: 3,
			First: t0.Add(100e6), Last: t0.Add(400e6), HasHops: true, MinMS: 100, P50MS: 200, MaxMS: 400, Critical: true},
		{ID: graph.GroupID("svc-PizzaBoxed", "PizzaBoxed"), Source: "svc-PizzaBoxed", Type: "PizzaBoxed", Vertices: []int{2, 4, 6}, Records: 3,
			First: t0.Add(150e6), Last: t0.Add(450e6), HasHops: true, MinMS: 50, P50MS: 50, MaxMS: 50, Critical: true},
	}
	wantGroups[0].Critical = true
	if diff := cmp.Diff(wantGroups, c.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	wantEdges := []graph.UnitEdge{
		{From: 0, To: 1, Count: 3, MinMS: 100, P50MS: 200, MaxMS: 400, Critical: true},
		{From: 1, To: 2, Count: 3, MinMS: 50, P50MS: 50, MaxMS: 50, Critical: true},
	}
	if diff := cmp.Diff(wantEdges, c.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	// expanding the prepared group shows its three events in place
	c = graph.Collapse(f, map[string]bool{prepared: true}, 0)
	var units []string
	for _, u := range c.Units {
		units = append(units, u.ID)
	}
	wantUnits := []string{graph.GroupID("svc-OrderPlaced", "OrderPlaced"), "p1", graph.GroupID("svc-PizzaBoxed", "PizzaBoxed"), "p2", "p3"}
	if diff := cmp.Diff(wantUnits, units); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3, 2, 4, 2}, c.UnitOf); diff != "" {
		t.Errorf("UnitOf (-want +got):\n%s", diff)
	}
	if len(c.Edges) != 6 || !c.Groups[1].Expanded {
		t.Errorf("expanded: %d edges, group expanded %v", len(c.Edges), c.Groups[1].Expanded)
	}
}

func TestLayoutCollapsed(t *testing.T) {
	d := graph.Layout(pizzas(), graph.LayoutOptions{CollapseAbove: 2})
	checkDrawing(t, d)
	if !d.Collapsed || len(d.Nodes) != 3 || len(d.Groups) != 3 {
		t.Fatalf("collapsed=%v nodes=%d groups=%d", d.Collapsed, len(d.Nodes), len(d.Groups))
	}
	n := d.Nodes[1]
	got := []string{n.ID, n.Label, n.Sub, n.Detail, n.Class}
	want := []string{graph.GroupID("svc-PizzaPrepared", "PizzaPrepared"), "PizzaPrepared", "svc-PizzaPrepared · ×3", "hop 100 ms / 200 ms / 400 ms", "group critical"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("group node (-want +got):\n%s", diff)
	}
	if n.EventIndex != -1 || n.Count != 3 || n.H != 54 {
		t.Errorf("group node: index %d count %d height %v", n.EventIndex, n.Count, n.H)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 1, 2, 1, 2}, d.EventNode); diff != "" {
		t.Errorf("EventNode (-want +got):\n%s", diff)
	}
	if e := d.Edges[0]; e.Label != "×3 · 200 ms" || e.Count != 3 || !e.Critical {
		t.Errorf("group edge: %+v", e)
	}
}

func TestLayoutLargeFlowCollapses(t *testing.T) {
	f := graph.Build(graphtest.Flow(5000, 4), graph.Options{})
	d := graph.Layout(f, graph.LayoutOptions{})
	if !d.Collapsed {
		t.Fatal("5000 events not collapsed")
	}
	checkDrawing(t, d)
	members, edges := 0, 0
	for _, n := range d.Nodes {
		members += n.Count
	}
	for _, e := range d.Edges {
		edges += e.Count
	}
	if members != len(f.Vertices) || edges != len(f.Edges) {
		t.Errorf("groups hold %d events and %d edges, flow has %d and %d", members, edges, len(f.Vertices), len(f.Edges))
	}
	kitchen := graph.GroupID("kitchen", "PizzaPrepared")
	d = graph.Layout(f, graph.LayoutOptions{Expand: map[string]bool{kitchen: true}})
	shown := 0
	for _, n := range d.Nodes {
		if n.Group == kitchen && n.EventIndex >= 0 {
			shown++
			if n.Class[:7] != "member " {
				t.Fatalf("member class %q", n.Class)
			}
		}
	}
	var size int
	for _, g := range d.Groups {
		if g.ID == kitchen {
			size = len(g.Vertices)
		}
	}
	// a page of members one by one, the rest in one box that says so
	if want := min(size, graph.DefaultExpandLimit); shown != want {
		t.Errorf("expanded group shows %d of %d events, want %d", shown, size, want)
	}
	rest := 0
	for _, n := range d.Nodes {
		if n.ID == kitchen {
			rest++
			if want := "kitchen · " + strconv.Itoa(size-shown) + " more"; n.Sub != want || n.Count != size-shown {
				t.Errorf("the rest box says %q (count %d), want %q", n.Sub, n.Count, want)
			}
		}
	}
	if rest != 1 {
		t.Errorf("%d boxes for the members not shown, want 1", rest)
	}
	checkDrawing(t, d)
	// without a limit, every member
	d = graph.Layout(f, graph.LayoutOptions{Expand: map[string]bool{kitchen: true}, ExpandLimit: -1})
	shown = 0
	for _, n := range d.Nodes {
		if n.Group == kitchen && n.EventIndex >= 0 {
			shown++
		}
	}
	if shown != size {
		t.Errorf("no limit: %d of %d members shown", shown, size)
	}
}

// TestNodeIDsMatchLayout checks that NodeIDs names the box Layout draws
// each record in, plain, collapsed and with a group expanded.
func TestNodeIDsMatchLayout(t *testing.T) {
	f := pizzas()
	for _, o := range []graph.LayoutOptions{{}, {CollapseAbove: 2},
		{CollapseAbove: 2, Expand: map[string]bool{graph.GroupID("svc-PizzaPrepared", "PizzaPrepared"): true}}} {
		d := graph.Layout(f, o)
		want := make([]string, len(d.EventNode))
		for i, n := range d.EventNode {
			want[i] = d.Nodes[n].ID
		}
		if diff := cmp.Diff(want, graph.NodeIDs(f, o)); diff != "" {
			t.Errorf("NodeIDs with %+v (-layout +NodeIDs):\n%s", o, diff)
		}
	}
}
