package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

// TestReplayTimeline: the timeline's marks are past, current or future at
// the step and link to their steps; its zoom links keep the replay, and a
// window in the URL carries through every link.
func TestReplayTimeline(t *testing.T) {
	ts := newReplayServer(t)
	doc := parseHTML(t, ts.get(t, ReplayURL(replayFlowID)+"?step=4&order=arrival").Body.String())
	marks := map[string]string{}
	doc.Find(`[data-testid="flow-timeline"] a[data-event-id]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-event-id")
		href, _ := s.Attr("href")
		for _, c := range []string{"past", "current", "future"} {
			if s.HasClass(c) {
				marks[id] = c + " " + href
			}
		}
	})
	base := ReplayURL(replayFlowID) + "?order=arrival&step="
	// by arrival: r1, r3, r2, r2 (again: step 4), r4, r5
	want := map[string]string{"r1": "past " + base + "1", "r3": "past " + base + "2", "r2": "past " + base + "3",
		"r4": "future " + base + "5", "r5": "future " + base + "6"}
	if diff := cmp.Diff(want, marks); diff != "" {
		t.Errorf("timeline marks (-want +got):\n%s", diff)
	}
	zoom := attrs(doc, `[data-testid="zoom-in"]`, "href")
	if len(zoom) != 1 {
		t.Fatalf("zoom-in links %v", zoom)
	}
	u, err := url.Parse(zoom[0])
	if err != nil || u.Path != ReplayURL(replayFlowID) || u.Query().Get("step") != "4" || u.Query().Get("order") != "arrival" ||
		u.Query().Get("from") == "" || u.Query().Get("to") == "" || u.Fragment != "flow-timeline" {
		t.Fatalf("zoom-in link %s: want the replay at step 4 in arrival order with a window", zoom[0])
	}
	// follow it: the window stays on every step link, and the timeline says so
	doc = parseHTML(t, ts.get(t, strings.TrimSuffix(zoom[0], "#flow-timeline")).Body.String())
	for _, sel := range []string{`[data-testid="replay-next"]`, `[data-testid="replay-order-time"]`, `[data-testid="replay-step-link"]`} {
		for _, href := range attrs(doc, sel, "href") {
			if !strings.Contains(href, "from=") || !strings.Contains(href, "to=") {
				t.Errorf("%s %s lost the window", sel, href)
			}
		}
	}
	if got := attrs(doc, `[data-testid="zoom-reset"]`, "href"); len(got) != 1 || strings.Contains(got[0], "from=") {
		t.Errorf("zoom-reset %v: want the replay without a window", got)
	}
	// htmx asking for the timeline alone gets it
	rec := ts.get(t, ReplayURL(replayFlowID)+"?step=2", "HX-Request", "true", "HX-Target", "flow-timeline")
	if body := rec.Body.String(); rec.Code != 200 || !strings.HasPrefix(strings.TrimSpace(body), `<section id="flow-timeline"`) {
		t.Errorf("timeline partial: %d %.100s", rec.Code, body)
	}
	for _, q := range []string{"?from=2026-11-23T10:00:00Z", "?from=x&to=2026-11-23T10:00:00Z", "?from=2026-11-23T10:00:01Z&to=2026-11-23T10:00:00Z"} {
		if rec := ts.get(t, ReplayURL(replayFlowID)+q); rec.Code != 400 {
			t.Errorf("%s: %d, want 400", q, rec.Code)
		}
	}
}
