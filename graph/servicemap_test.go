package graph_test

import (
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/google/go-cmp/cmp"
)

func on(e event.Event, source, topic string) event.Event {
	e.Source, e.Topic = source, topic
	return e
}

func TestServiceMap(t *testing.T) {
	// two flows: orders publishes OrderPlaced; kitchen and payment react;
	// one event without a source; cause matched across flows' events
	events := seq(
		on(ev("o1", "", "OrderPlaced", 0), "orders", "orders"),
		on(ev("k1", "o1", "PizzaPrepared", 100), "kitchen", "kitchen"),
		on(ev("p1", "o1", "PaymentAuthorized", 40), "payment", "payments"),
		on(ev("o2", "", "OrderPlaced", 1000), "orders", "orders"),
		on(ev("k2", "o2", "PizzaPrepared", 1300), "kitchen", "kitchen"),
		on(ev("x", "k2", "Audit", 1500), "", "audit"),
	)
	events[3].CorrelationID = "f2"
	m := graph.BuildServiceMap(events)
	wantNodes := []graph.MapNode{
		{ID: "service:(unknown)", Kind: "service", Name: "(unknown)", Count: 1},
		{ID: "service:kitchen", Kind: "service", Name: "kitchen", Count: 2},
		{ID: "service:orders", Kind: "service", Name: "orders", Count: 2},
		{ID: "service:payment", Kind: "service", Name: "payment", Count: 1},
		{ID: "topic:audit", Kind: "topic", Name: "audit", Count: 1},
		{ID: "topic:kitchen", Kind: "topic", Name: "kitchen", Count: 2},
		{ID: "topic:orders", Kind: "topic", Name: "orders", Count: 2},
		{ID: "topic:payments", Kind: "topic", Name: "payments", Count: 1},
	}
	if diff := cmp.Diff(wantNodes, m.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	// rates over the 1.5s span
	wantEdges := []graph.MapEdge{
		{From: "service:(unknown)", To: "topic:audit", Label: "Audit", Count: 1, Rate: 1 / 1.5},
		{From: "service:kitchen", To: "topic:kitchen", Label: "PizzaPrepared", Count: 2, Rate: 2 / 1.5},
		{From: "service:orders", To: "topic:orders", Label: "OrderPlaced", Count: 2, Rate: 2 / 1.5},
		{From: "service:payment", To: "topic:payments", Label: "PaymentAuthorized", Count: 1, Rate: 1 / 1.5},
		{From: "topic:kitchen", To: "service:(unknown)", Label: "PizzaPrepared", Count: 1, Rate: 1 / 1.5, P50MS: 200, P99MS: 200},
		{From: "topic:orders", To: "service:kitchen", Label: "OrderPlaced", Count: 2, Rate: 2 / 1.5, P50MS: 100, P99MS: 300},
		{From: "topic:orders", To: "service:payment", Label: "OrderPlaced", Count: 1, Rate: 1 / 1.5, P50MS: 40, P99MS: 40},
	}
	if diff := cmp.Diff(wantEdges, m.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	d := graph.LayoutServiceMap(m, graph.LayoutOptions{})
	checkDrawing(t, d)
	if len(d.Nodes) != 8 || len(d.Edges) != 7 {
		t.Fatalf("drew %d nodes %d edges", len(d.Nodes), len(d.Edges))
	}
	if e := d.Edges[5]; e.From != "topic:orders" || e.To != "service:kitchen" || e.Label != "OrderPlaced ×2 · 100 ms" {
		t.Errorf("edge %+v", e)
	}
	if n := d.Nodes[1]; n.Class != "service" || n.Label != "kitchen" || n.Sub != "service · 2" {
		t.Errorf("node %+v", n)
	}
}

func TestServiceMapMergesParallelEdges(t *testing.T) {
	events := seq(on(ev("a", "", "Created", 0), "svc", "t"), on(ev("b", "", "Deleted", 10), "svc", "t"))
	d := graph.LayoutServiceMap(graph.BuildServiceMap(events), graph.LayoutOptions{})
	if len(d.Edges) != 1 || d.Edges[0].Label != "Created ×1, Deleted ×1" || d.Edges[0].Count != 2 {
		t.Errorf("edges %+v", d.Edges)
	}
}

func TestBaseline(t *testing.T) {
	var events []event.Event
	events = append(events, ev("root", "", "A", 0))
	for i := 1; i <= 100; i++ {
		events = append(events, ev("b"+itoa(i), "root", "B", i))
	}
	events = append(events, ev("c", "b1", "C", 0)) // negative latency: left out
	events = append(events, ev("d", "b1", "D", 5)) // one sample: under minSamples
	base := graph.BaselineOf(seq(events...), 2)
	want := graph.Baseline{{Cause: "A", Effect: "B"}: {Count: 100, P50MS: 50, P99MS: 99, MaxMS: 100}}
	if diff := cmp.Diff(want, base); diff != "" {
		t.Errorf("baseline (-want +got):\n%s", diff)
	}
	fromFlows := graph.BaselineOfFlows([]*graph.Flow{graph.Build(seq(events...), graph.Options{})}, 2)
	if diff := cmp.Diff(want, fromFlows); diff != "" {
		t.Errorf("baseline of flows (-want +got):\n%s", diff)
	}
}

func itoa(i int) string {
	return string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

func TestFormatMS(t *testing.T) {
	for in, want := range map[float64]string{0: "0 ms", 0.25: "0.25 ms", 4.56: "4.56 ms", 4.5: "4.5 ms", 120.4: "120 ms", 1250: "1.25 s",
		12500: "12.5 s", 12345: "12.35 s", 125000: "2m5s", -50: "-50 ms", 3600000: "1h0m0s"} {
		if got := graph.FormatMS(in); got != want {
			t.Errorf("FormatMS(%v) = %q, want %q", in, got, want)
		}
	}
}
