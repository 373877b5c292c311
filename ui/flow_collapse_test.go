package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/graph/graphtest"
)

// TestFlowCollapsedGraph: above 300 events the graph shows groups by
// (source, type); a group expands in place (htmx fragment) and on its own
// URL, and collapses again.
func TestFlowCollapsedGraph(t *testing.T) {
	evs := graphtest.Flow(1000, 1)
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	doc := parseHTML(t, ts.get(t, "/flows/batch-1000").Body.String())
	g := doc.Find(`[data-testid="flow-graph"]`)
	if c, _ := g.Attr("data-collapsed"); c != "true" {
		t.Fatalf("1000-event graph not collapsed")
	}
	if n := g.Find(`[data-testid="graph-node"][data-event-id]`).Length(); n != 0 {
		t.Errorf("%d event boxes in a collapsed graph", n)
	}
	prepared := "group:kitchen/PizzaPrepared"
	box := g.Find(`[data-testid="graph-node"][data-node="` + prepared + `"]`)
	count, _ := box.Attr("data-count")
	hx, _ := box.Attr("hx-get")
	href, _ := box.Attr("href")
	want := 0
	for _, e := range evs {
		if e.Type == "PizzaPrepared" {
			want++
		}
	}
	if count != itoa(want) || want == 0 {
		t.Errorf("PizzaPrepared group counts %s, want %d", count, want)
	}
	if hx != "/flows/batch-1000?expand="+url.QueryEscape(prepared) || href != hx+"#flow-graph" {
		t.Errorf("group box links href=%q hx-get=%q", href, hx)
	}
	if !strings.Contains(box.Find("title").Text(), "(min / p50 / max)") {
		t.Errorf("group tooltip = %q", box.Find("title").Text())
	}
	rows := g.Find(`[data-testid="group-row"]`)
	if rows.Length() != g.Find(`[data-testid="graph-node"]`).Length() {
		t.Errorf("%d group rows for %d boxes", rows.Length(), g.Find(`[data-testid="graph-node"]`).Length())
	}
	// tree rows carry the group box they belong to, for highlighting
	// (the tree shows maxTreeRows of the 1,000 events: each PizzaPrepared row shown)
	shown := 0
	for _, r := range doc.Find(`[data-testid="tree-row"]`).EachIter() {
		if strings.Contains(r.Find("td.type").Text(), "PizzaPrepared") {
			shown++
		}
	}
	if n := doc.Find(`[data-testid="tree-row"][data-node="` + prepared + `"]`).Length(); n != shown || n == 0 {
		t.Errorf("%d tree rows point at the group, want the %d PizzaPrepared rows shown", n, shown)
	}

	// htmx: just the graph, with the group's events as boxes of their own
	rec := ts.get(t, hx, "HX-Request", "true", "HX-Target", "flow-graph")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(body, `<section id="flow-graph"`) {
		t.Fatalf("graph fragment: %d %.200s", rec.Code, body)
	}
	frag := parseHTML(t, body)
	if n := frag.Find(`[data-testid="graph-node"][data-group="` + prepared + `"][data-event-id]`).Length(); n != want {
		t.Errorf("expanded group shows %d events, want %d", n, want)
	}
	if n := frag.Find(`[data-testid="graph-node"][data-node="` + prepared + `"]`).Length(); n != 0 {
		t.Error("the expanded group still has a box")
	}
	toggle, _ := frag.Find(`[data-testid="group-row"][data-group="` + prepared + `"] [data-testid="group-toggle"]`).Attr("hx-get")
	if toggle != "/flows/batch-1000" {
		t.Errorf("collapse link = %q", toggle)
	}
	// the same state as a page of its own
	full := parseHTML(t, ts.get(t, hx).Body.String())
	if n := full.Find(`[data-testid="graph-node"][data-group="` + prepared + `"][data-event-id]`).Length(); n != want {
		t.Errorf("expand URL page shows %d events of the group, want %d", n, want)
	}
	// other links keep the expansion
	mark, _ := full.Find(`.timeline-svg a.mark`).First().Attr("href")
	if !strings.Contains(mark, "expand="+url.QueryEscape(prepared)) {
		t.Errorf("mark link %q drops the expansion", mark)
	}
}
