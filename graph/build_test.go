package graph_test

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/graph"
	"github.com/google/go-cmp/cmp"
)

// edgeView is what the tests compare of an edge.
type edgeView struct {
	From, To         string
	LatencyMS        float64
	Records          int
	Cyclic, Critical bool
}

func edgesOf(f *graph.Flow) []edgeView {
	var out []edgeView
	for _, e := range f.Edges {
		out = append(out, edgeView{e.From, e.To, e.LatencyMS, e.Records, e.Cyclic, e.Critical})
	}
	return out
}

func TestBuildStructure(t *testing.T) {
	tests := []struct {
		name     string
		flow     *graph.Flow
		edges    []edgeView
		depths   []int
		critical []string
	}{
		{"fan-out", graph.Build(seq(ev("a", "", "A", 0), ev("b", "a", "B", 10), ev("c", "a", "C", 20), ev("d", "a", "D", 5)), graph.Options{}),
			[]edgeView{{"a", "b", 10, 1, false, false}, {"a", "c", 20, 1, false, true}, {"a", "d", 5, 1, false, false}},
			[]int{0, 1, 1, 1}, []string{"a", "c"}},
		// z was published twice, by x and by y: fan-in on z's vertex
		{"fan-in through a duplicate", graph.Build(seq(ev("x", "", "X", 0), ev("y", "", "Y", 5), ev("z", "x", "Z", 10), ev("z", "y", "Z", 40)), graph.Options{}),
			[]edgeView{{"x", "z", 10, 1, false, false}, {"y", "z", 35, 1, false, true}},
			[]int{0, 0, 1}, []string{"y", "z"}},
		{"duplicate with the same cause is one edge", graph.Build(seq(ev("a", "", "A", 0), ev("b", "a", "B", 10), ev("b", "a", "B", 12), ev("c", "b", "C", 20)), graph.Options{}),
			[]edgeView{{"a", "b", 10, 2, false, true}, {"b", "c", 10, 1, false, true}},
			[]int{0, 1, 2}, []string{"a", "b", "c"}},
		{"cycle with a tail", graph.Build(seq(ev("a", "c", "A", 1), ev("b", "a", "B", 2), ev("c", "b", "C", 3), ev("d", "c", "D", 4)), graph.Options{}),
			[]edgeView{{"c", "a", -2, 1, true, false}, {"a", "b", 1, 1, false, true}, {"b", "c", 1, 1, false, true}, {"c", "d", 1, 1, false, true}},
			[]int{0, 1, 2, 3}, []string{"a", "b", "c", "d"}},
		{"self causation", graph.Build(seq(ev("a", "a", "A", 0)), graph.Options{}),
			[]edgeView{{"a", "a", 0, 1, true, false}}, []int{0}, []string{"a"}},
		{"critical path follows the latest branch", graph.Build(seq(ev("r", "", "R", 0), ev("b", "r", "B", 5), ev("a", "r", "A", 10),
			ev("d", "a", "D", 20), ev("c", "b", "C", 50)), graph.Options{}),
			[]edgeView{{"r", "b", 5, 1, false, true}, {"r", "a", 10, 1, false, false}, {"a", "d", 10, 1, false, false}, {"b", "c", 45, 1, false, true}},
			[]int{0, 1, 1, 2, 2}, []string{"r", "b", "c"}},
		{"empty", graph.Build(nil, graph.Options{}), nil, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.edges, edgesOf(tt.flow)); diff != "" {
				t.Errorf("edges (-want +got):\n%s", diff)
			}
			var depths []int
			for _, v := range tt.flow.Vertices {
				depths = append(depths, v.Depth)
			}
			if diff := cmp.Diff(tt.depths, depths); diff != "" {
				t.Errorf("depths (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.critical, tt.flow.CriticalPath); diff != "" {
				t.Errorf("critical path (-want +got):\n%s", diff)
			}
			for _, v := range tt.flow.Vertices {
				onPath := false
				for _, id := range tt.flow.CriticalPath {
					onPath = onPath || id == v.ID
				}
				if v.Critical != onPath {
					t.Errorf("vertex %s Critical = %v, on path %v", v.ID, v.Critical, onPath)
				}
			}
		})
	}
}

func TestBuildVertices(t *testing.T) {
	f := graph.Build(seq(ev("x", "", "X", 0), ev("y", "", "Y", 5), ev("z", "x", "Z", 10), ev("z", "y", "Z", 40), ev("o", "gone", "O", 50)), graph.Options{})
	want := []graph.Vertex{
		{ID: "x", Records: []int{0}, Out: []int{0}, Critical: false},
		{ID: "y", Records: []int{1}, Out: []int{1}, Critical: false},
		{ID: "z", Records: []int{2, 3}, In: []int{0, 1}, Depth: 1, CauseID: "x", Kinds: []string{graph.Duplicate}, Dup: true},
		{ID: "o", Records: []int{4}, CauseID: "gone", Missing: true, Critical: true, Kinds: []string{graph.Orphan}},
	}
	if diff := cmp.Diff(want, f.Vertices); diff != "" {
		t.Errorf("vertices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 2, 3}, f.VertexOf); diff != "" {
		t.Errorf("VertexOf (-want +got):\n%s", diff)
	}
	if !f.Start.Equal(t0) || !f.End.Equal(t0.Add(50e6)) {
		t.Errorf("span %v .. %v", f.Start, f.End)
	}
}

func TestOrder(t *testing.T) {
	// a has children b (dup twice) and c; b's child d; e is caught in a loop with f
	f := graph.Build(seq(ev("a", "", "A", 0), ev("b", "a", "B", 10), ev("c", "a", "C", 15), ev("b", "a", "B", 20),
		ev("d", "b", "D", 30), ev("e", "f", "E", 40), ev("f", "e", "F", 50)), graph.Options{})
	want := []graph.Node{
		{Index: 0},
		{Index: 1, Depth: 1, HopMS: 10, HasCause: true, Duplicate: true},
		{Index: 4, Depth: 2, HopMS: 20, HasCause: true},
		{Index: 2, Depth: 1, HopMS: 15, HasCause: true},
		{Index: 3, Depth: 1, HopMS: 20, HasCause: true, Duplicate: true},
		{Index: 5},
		{Index: 6, Depth: 1, HopMS: 10, HasCause: true},
	}
	if diff := cmp.Diff(want, f.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestBuildGolden pins the whole analysis of a flow with every kind of
// trouble: edges with their flags, anomalies, critical path, order.
func TestBuildGolden(t *testing.T) {
	opts := graph.WithRules(t0.Add(2*time.Minute), graph.DemoStallRules()...)
	opts.Diagnose.Baseline = &diagnose.Baseline{Hops: graph.Baseline{{Cause: "KitchenTicketCreated", Effect: "PizzaPrepared"}: {Count: 100, P50MS: 300, P99MS: 500}}}
	events := append(kitchenSink(), ev("a2", "r", "PaymentAuthorized", 3600), ev("early", "z", "AuditEcho", 3000))
	events[3].Topic = "notifications.DLT"
	events = seq(events...)
	f := graph.Build(events, opts)
	golden(t, "build_kitchen_sink.json", mustJSON(t, struct {
		Edges        []edgeFull
		Anomalies    []graph.Anomaly
		CriticalPath []string
		Order        []graph.Node
		Vertices     []graph.Vertex
	}{fullEdges(f), f.Anomalies, f.CriticalPath, f.Order, f.Vertices}))
}

type edgeFull struct {
	From, To               string
	LatencyMS              float64
	FromV, ToV, Records    int
	Cyclic, Critical, Slow bool
}

func fullEdges(f *graph.Flow) []edgeFull {
	var out []edgeFull
	for _, e := range f.Edges {
		out = append(out, edgeFull{e.From, e.To, e.LatencyMS, e.FromV, e.ToV, e.Records, e.Cyclic, e.Critical, e.Slow})
	}
	return out
}

// TestBuildInvariants checks random flows full of loops, duplicates,
// orphans and out-of-order events: every record is listed once in Order,
// every edge joins vertices of its IDs, anomalies name known events, and
// the critical path is a chain of edges.
func TestBuildInvariants(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		events := randomFlow(int(seed*3), seed)
		f := graph.Build(events, graph.WithRules(t0.Add(time.Hour), graph.StallRule{After: "T1", Expect: []string{"T2", "T1"}, Within: time.Second}))
		seen := make([]int, len(events))
		for _, n := range f.Order {
			seen[n.Index]++
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("seed %d: record %d listed %d times in Order", seed, i, c)
			}
		}
		ids := map[string]int{}
		for v, vx := range f.Vertices {
			ids[vx.ID] = v
		}
		for _, e := range f.Edges {
			if f.Vertices[e.FromV].ID != e.From || f.Vertices[e.ToV].ID != e.To {
				t.Fatalf("seed %d: edge %+v joins the wrong vertices", seed, e)
			}
		}
		for _, a := range f.Anomalies {
			for _, id := range a.EventIDs {
				if _, ok := ids[id]; !ok {
					t.Fatalf("seed %d: anomaly %+v names an unknown event", seed, a)
				}
			}
		}
		for i := 1; i < len(f.CriticalPath); i++ {
			found := false
			for _, e := range f.Edges {
				found = found || (e.From == f.CriticalPath[i-1] && e.To == f.CriticalPath[i] && e.Critical && !e.Cyclic)
			}
			if !found {
				t.Fatalf("seed %d: critical path %v has no edge %s→%s", seed, f.CriticalPath, f.CriticalPath[i-1], f.CriticalPath[i])
			}
		}
	}
}
