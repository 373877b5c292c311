package browsertest

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// anomalyKinds are the graph's anomaly kinds, as CSS classes on its boxes.
var anomalyKinds = []string{"orphan", "duplicate", "out_of_order", "cycle", "dead_letter", "stalled", "slow_hop"}

// TestFlowInBrowser drives the flow page of the demo in chromium: a flow
// with a compensation (OrderCancelled) and one with an anomaly; clicking a
// box of the SVG graph shows that event in the detail panel (htmx, no page
// load); hovering a timeline mark highlights the box; arrow keys move
// between events; #event-ID selects. Screenshots are saved.
func TestFlowInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	d := StartDemo(t, "--rate", "5")
	cancelled := waitForFlowWith(t, d.URL, "q="+url.QueryEscape("type:OrderCancelled"), false, 60*time.Second)
	anomalous := waitForFlowWith(t, d.URL, "", true, 60*time.Second)

	t.Run("Compensation", func(t *testing.T) {
		b.Navigate(d.URL + "/flows/" + url.PathEscape(cancelled) + "?timeline=lanes")
		b.WaitVisible(`[data-testid=graph-svg]`)
		id := Eval[string](b, `(Array.from(document.querySelectorAll(".graph-svg a.node[data-event-id]")).find(a => a.querySelector("text.label").textContent === "OrderCancelled") || {dataset: {}}).dataset.eventId || ""`)
		if id == "" {
			t.Fatalf("no OrderCancelled box in the graph of %s", cancelled)
		}
		before := Eval[float64](b, `performance.timeOrigin`)
		clickEvent(t, b, id)
		if got := Eval[string](b, `document.querySelector("[data-testid=detail-type]").textContent`); got != "OrderCancelled" {
			t.Errorf("detail shows %q, want OrderCancelled", got)
		}
		if after := Eval[float64](b, `performance.timeOrigin`); after != before {
			t.Error("clicking a box loaded a new page; want an htmx swap of the detail panel")
		}
		if loc := b.Location(); !strings.Contains(loc, "event="+url.QueryEscape(id)) || !strings.HasSuffix(loc, "#event-"+url.PathEscape(id)) {
			t.Errorf("location %s does not name the event", loc)
		}
		if n := Eval[int](b, `document.querySelectorAll(".graph-svg a.node.selected").length`); n != 1 {
			t.Errorf("%d selected boxes, want 1", n)
		}
		lanes := Eval[int](b, `document.querySelectorAll("[data-testid=timeline-lane]").length`)
		if lanes < 2 {
			t.Errorf("timeline has %d lanes", lanes)
		}
		b.Screenshot("flow-compensation.png")

		// zooming swaps just the timeline and keeps the selected event
		b.Click(`[data-testid=zoom-in]`)
		b.WaitFor("zoomed timeline", `location.search.includes("from=")`, 5*time.Second)
		if loc := b.Location(); !strings.Contains(loc, "event="+url.QueryEscape(id)) {
			t.Errorf("after zooming the location %s lost the selected event", loc)
		}
		if after := Eval[float64](b, `performance.timeOrigin`); after != before {
			t.Error("zooming loaded a new page; want an htmx swap of the timeline")
		}
		b.WaitVisible(`[data-testid=zoom-reset]`)
	})

	t.Run("HoverAndKeyboard", func(t *testing.T) {
		// hovering a timeline mark highlights the same event's box
		id := Eval[string](b, `(() => { const m = document.querySelector(".timeline-svg a.mark"); m.dispatchEvent(new MouseEvent("mouseover", {bubbles: true})); return m.dataset.eventId; })()`)
		if !Eval[bool](b, `document.querySelector(".graph-svg a.node[data-event-id=\""+`+strconv.Quote(id)+`+"\"]").classList.contains("hl")`) {
			t.Errorf("hovering the mark of %s does not highlight its box", id)
		}
		// ArrowDown on a focused box moves to the next event in causal order
		order := Eval[[]string](b, `Array.from(new Set(Array.from(document.querySelectorAll("[data-testid=tree-row]")).map(r => r.dataset.eventId)))`)
		if len(order) < 2 {
			t.Fatalf("tree order %q", order)
		}
		Eval[bool](b, `(document.querySelector(".graph-svg a.node[data-event-id=\""+`+strconv.Quote(order[0])+`+"\"]").focus(), true)`)
		b.Do("press ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
		if got := Eval[string](b, `document.activeElement.dataset.eventId || ""`); got != order[1] {
			t.Errorf("after ArrowDown focus is on %q, want %q", got, order[1])
		}
		b.Do("press Enter", chromedp.KeyEvent(kb.Enter))
		b.WaitFor("detail of the focused event", `document.getElementById("event-detail").dataset.eventId === `+strconv.Quote(order[1]), 5*time.Second)
	})

	t.Run("Anomaly", func(t *testing.T) {
		b.Navigate(d.URL + "/flows/" + url.PathEscape(anomalous))
		b.WaitVisible(`[data-testid=graph-svg]`)
		if n := Eval[int](b, `document.querySelectorAll("[data-testid=anomaly]").length`); n == 0 {
			t.Fatalf("flow %s lists no anomaly", anomalous)
		}
		sel := `.graph-svg a.node.` + strings.Join(anomalyKinds, `[data-event-id], .graph-svg a.node.`) + `[data-event-id]`
		id := Eval[string](b, `(document.querySelector(`+strconv.Quote(sel)+`) || document.querySelector(".graph-svg a.node[data-event-id]")).dataset.eventId`)
		clickEvent(t, b, id)
		if got := Eval[string](b, `document.querySelector("[data-testid=detail-event-id]").textContent`); got != id {
			t.Errorf("detail shows event %q, want %q", got, id)
		}
		b.Screenshot("flow-anomaly.png")
	})

	t.Run("HashSelects", func(t *testing.T) {
		id := Eval[string](b, `Array.from(document.querySelectorAll("[data-testid=tree-row]")).pop().dataset.eventId`)
		b.Navigate(d.URL + "/flows/" + url.PathEscape(anomalous) + "#event-" + url.PathEscape(id))
		b.WaitFor("detail of the event in the fragment", `document.getElementById("event-detail").dataset.eventId === `+strconv.Quote(id), 5*time.Second)
	})
}

// clickEvent clicks the graph box of event id and waits for the detail
// panel to show it.
func clickEvent(t *testing.T, b *Browser, id string) {
	t.Helper()
	b.Click(`.graph-svg a.node[data-event-id="` + id + `"]`)
	b.WaitFor("detail panel of "+id, `document.getElementById("event-detail").dataset.eventId === `+strconv.Quote(id), 5*time.Second)
}

// waitForFlowWith polls /api/flows?query until a finished-looking flow
// (4 events or more, last event 2 s ago) matches, with anomalies when
// anomalous is set, and returns its correlation ID.
func waitForFlowWith(t *testing.T, base, query string, anomalous bool, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var page struct {
			Flows []struct {
				CorrelationID string    `json:"correlation_id"`
				EventCount    int       `json:"event_count"`
				LastTime      time.Time `json:"last_time"`
				Anomalies     []string  `json:"anomalies"`
			} `json:"flows"`
		}
		if getJSON(base+"/api/flows?limit=100&"+query, &page) == nil {
			for _, f := range page.Flows {
				if f.EventCount >= 4 && !strings.HasPrefix(f.CorrelationID, "key:") &&
					time.Since(f.LastTime) > 2*time.Second && (!anomalous || len(f.Anomalies) > 0) {
					return f.CorrelationID
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no flow for %q (anomalous %v) within %s", query, anomalous, within)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
