package ui

import (
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

// TestGantt: one row per event in the tree's causal order, labelled type ·
// service; a bar for every hop, none for a root; an effect stamped before
// its cause has its bar from its mark right to the cause (a negative hop);
// zero is the root, and the early effect is left of it.
func TestGantt(t *testing.T) {
	evs := pizzaFlow()
	early := ev("e7", "ord-1", "e1", "ReceiptSent", "billing", "billing", 0, 3, -500) // 500 ms before the flow's first event
	evs = append(evs, early)
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	doc := parseHTML(t, ts.get(t, "/flows/ord-1").Body.String())
	var tree, rows []string
	doc.Find(`[data-testid="tree-row"]`).Each(func(_ int, s *goquery.Selection) { tree = append(tree, s.AttrOr("data-event-id", "")) })
	doc.Find(`[data-testid="gantt-row"]`).Each(func(_ int, s *goquery.Selection) { rows = append(rows, s.AttrOr("data-event-id", "")) })
	if len(rows) == 0 || !cmp.Equal(rows, tree) {
		t.Errorf("gantt rows %q, want the tree's order %q", rows, tree)
	}
	root := doc.Find(`[data-testid="gantt-row"][data-event-id="e1"]`).First()
	if got := root.Find(".row-label").Text(); got != "OrderPlaced · order-service" {
		t.Errorf("root label %q", got)
	}
	if root.Find(`[data-testid="gantt-bar"]`).Length() != 0 {
		t.Error("the root has a hop bar")
	}
	row := doc.Find(`[data-testid="gantt-row"][data-event-id="e7"]`)
	bar, mark := row.Find(`[data-testid="gantt-bar"]`), row.Find("circle")
	bx, _ := strconv.ParseFloat(bar.AttrOr("x", ""), 64)
	bw, _ := strconv.ParseFloat(bar.AttrOr("width", ""), 64)
	mx, _ := strconv.ParseFloat(mark.AttrOr("cx", ""), 64)
	zero, _ := strconv.ParseFloat(doc.Find(`.gantt-svg line.zero`).AttrOr("x1", ""), 64)
	if bar.Length() != 1 || mx >= zero || bx != mx || bx+bw > zero+0.2 || bx+bw < zero-0.2 {
		t.Errorf("an effect 500 ms before its cause: bar x %.1f w %.1f, mark %.1f, zero %.1f; want the bar from the mark right to its cause at zero", bx, bw, mx, zero)
	}
	if doc.Find(`[data-testid="gantt-row"].critical`).Length() == 0 {
		t.Error("no row on the critical path")
	}
}
