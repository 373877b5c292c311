package ui

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// pizzaPage is the flow page of the ord-1 fixture (compensation, duplicate,
// orphan) with the state p.
func pizzaPage(p flowParams) flowView {
	p.FlowID = "ord-1"
	return buildFlowPage(graph.Build(newFakeStore(pizzaFlow()...).events, graph.Options{}), p)
}

func TestGraphSVG(t *testing.T) {
	v := pizzaPage(flowParams{Event: "e3"})
	doc := parseHTML(t, renderComp(t, graphSection(v.Graph)))
	if c, _ := doc.Find(`[data-testid="flow-graph"]`).Attr("data-collapsed"); c != "false" {
		t.Errorf("data-collapsed = %q", c)
	}
	type node struct{ ID, Class, Href, Label, Sub string }
	var got []node
	doc.Find(`[data-testid="graph-svg"] [data-testid="graph-node"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-event-id")
		cls, _ := s.Attr("class")
		href, _ := s.Attr("href")
		got = append(got, node{id, cls, href, s.Find("text.label").Text(), s.Find("text.sub").Text()})
	})
	want := []node{
		{"e1", "node event root", "/flows/ord-1?event=e1#event-e1", "OrderPlaced", "order-service · +0 ms"},
		{"e3", "node event failed failure selected", "/flows/ord-1?event=e3#event-e3", "PaymentFailed", "payment · +80 ms"},
		{"e2", "node event duplicate duplicate", "/flows/ord-1?event=e2#event-e2", "PizzaPrepared", "kitchen · +120 ms · ×2"},
		{"e4", "node event", "/flows/ord-1?event=e4#event-e4", "OrderCancelled", "order-service · +200 ms"},
		// the orphan finished last: the critical path is just it
		{"e6", "node event root critical missing-cause orphan", "/flows/ord-1?event=e6#event-e6", "PointsAwarded", "loyalty · +300 ms"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	if n := doc.Find(`marker#g-arrow, marker#g-arrow-crit`).Length(); n != 2 {
		t.Errorf("%d arrowhead markers, want 2", n)
	}
	if n := doc.Find(`[data-testid="group-list"]`).Length(); n != 0 {
		t.Error("an uncollapsed graph lists groups")
	}
}

// TestGraphSVGCriticalPath: without the orphan the compensation ends the
// flow, and the chain OrderPlaced → PaymentFailed → OrderCancelled is the
// critical path, boxes and edges.
func TestGraphSVGCriticalPath(t *testing.T) {
	f := graph.Build(newFakeStore(pizzaFlow()[:5]...).events, graph.Options{})
	doc := parseHTML(t, renderComp(t, graphSection(buildFlowPage(f, flowParams{FlowID: "ord-1"}).Graph)))
	if got := attrs(doc, `[data-testid="graph-node"].critical`, "data-event-id"); !cmp.Equal(got, []string{"e1", "e3", "e4"}) {
		t.Errorf("critical nodes = %q", got)
	}
	type edge struct{ From, To, Class, Marker, Label string }
	var edges []edge
	doc.Find(`[data-testid="graph-edge"]`).Each(func(_ int, s *goquery.Selection) {
		f, _ := s.Attr("data-from")
		to, _ := s.Attr("data-to")
		cls, _ := s.Attr("class")
		m, _ := s.Find("path").Attr("marker-end")
		d, _ := s.Find("path").Attr("d")
		if !strings.HasPrefix(d, "M") || !strings.Contains(d, " L") {
			t.Errorf("edge %s→%s path d=%q", f, to, d)
		}
		edges = append(edges, edge{f, to, cls, m, s.Find("text.edge-label").Text()})
	})
	wantEdges := []edge{
		{"e1", "e3", "edge critical", "url(#g-arrow-crit)", "80 ms"},
		{"e1", "e2", "edge", "url(#g-arrow)", "120 ms"},
		{"e3", "e4", "edge critical", "url(#g-arrow-crit)", "120 ms"},
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

// TestGraphSVGEscapesLabels: a type with markup is text in the SVG, never
// an element, in the box label and in its tooltip.
func TestGraphSVGEscapesLabels(t *testing.T) {
	f := graph.Build(xssFlow(), graph.Options{})
	v := buildFlowPage(f, flowParams{FlowID: "xss"})
	html := renderComp(t, graphSection(v.Graph)) + renderComp(t, timelineSection(v.Timeline))
	if strings.Contains(html, "<script") {
		t.Fatalf("unescaped markup in the SVG:\n%s", html)
	}
	doc := parseHTML(t, html)
	if n := doc.Find("script").Length(); n != 0 {
		t.Errorf("%d script elements", n)
	}
	node := doc.Find(`[data-testid="graph-node"]`)
	if got := node.Find("title").Text(); !strings.HasPrefix(got, "<script>alert('type')</script>\nx<script>1\n") {
		t.Errorf("title = %q", got)
	}
	if got := node.Find("text.label").Text(); !strings.HasPrefix(got, "<script>alert(") {
		t.Errorf("label = %q", got)
	}
	if got, _ := node.Attr("data-event-id"); got != "x<script>1" {
		t.Errorf("data-event-id = %q", got)
	}
}

// goldenFlow is an order with a duplicate, an orphan and a compensation.
func goldenFlow() []event.Event {
	evs := graphtest.Order(7, 1)
	dup := evs[3]
	dup.Offset += 100
	dup.Time = dup.Time.Add(15e6)
	orphan := evs[len(evs)-1]
	orphan.EventID, orphan.CausationID, orphan.Type, orphan.Source = "o7-late", "o7-ghost", "OrderCancelled", "orders"
	return newFakeStore(append(evs, dup, orphan)...).events
}

// TestGraphAndTimelineGolden: the same flow renders to byte-identical SVG,
// kept in testdata/flow_order.golden.html (go test ./ui -run Golden -update).
func TestGraphAndTimelineGolden(t *testing.T) {
	render := func() string {
		f := graph.Build(goldenFlow(), graph.Options{})
		v := buildFlowPage(f, flowParams{FlowID: "order-7", Event: "o7-paid", Lanes: true})
		return renderComp(t, graphSection(v.Graph)) + "\n" + renderComp(t, timelineSection(v.Timeline)) + "\n"
	}
	a, b := render(), render()
	if a != b {
		t.Fatal("two renders of the same flow differ")
	}
	path := filepath.Join("testdata", "flow_order.golden.html")
	if *update {
		if err := os.WriteFile(path, []byte(a), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(want, []byte(a)) {
		t.Errorf("render differs from %s (run with -update if the change is intended):\n%s", path, cmp.Diff(string(want), a))
	}
}
