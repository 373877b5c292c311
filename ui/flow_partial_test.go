package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/eventscope/eventscope/graph/graphtest"
)

// TestFlowPartialsMatchPage checks that each htmx fragment of the flow
// page, computed on its own, is the same element as in the whole page:
// plain and collapsed graphs, a selected event, an expanded group, a zoom,
// and the replay's frame and timeline.
func TestFlowPartialsMatchPage(t *testing.T) {
	evs := graphtest.Flow(1000, 1)
	ts := newTestServer(t, Options{Store: newFakeStore(append(allFixtures(), evs...)...)})
	expand := url.QueryEscape("group:kitchen/PizzaPrepared")
	for _, target := range []string{
		ReplayURL("ord-1") + "?step=3", ReplayURL("batch-1000") + "?step=40&future=hide",
		"/flows/ord-1", "/flows/ord-1?event=e3",
		"/flows/ord-1?event=e1&from=2026-11-23T10:00:00.05Z&to=2026-11-23T10:00:00.25Z",
		"/flows/batch-1000", "/flows/batch-1000?expand=" + expand + "&event=" + url.QueryEscape(evs[7].EventID),
	} {
		if !strings.Contains(target, "/replay") { // the lanes timeline: the one with a fragment
			target += map[bool]string{true: "&", false: "?"}[strings.Contains(target, "?")] + "timeline=lanes"
		}
		page := parseHTML(t, ts.get(t, target).Body.String())
		ids := []string{"event-detail", "flow-graph", "flow-timeline"}
		if strings.Contains(target, "/replay") {
			ids = []string{"replay-frame", "flow-timeline"}
		}
		for _, id := range ids {
			want, err := goquery.OuterHtml(page.Find("#" + id))
			if err != nil || want == "" {
				t.Fatalf("%s: no #%s in the page: %v", target, id, err)
			}
			rec := ts.get(t, target, "HX-Request", "true", "HX-Target", id)
			got, err := goquery.OuterHtml(parseHTML(t, rec.Body.String()).Find("#" + id))
			if rec.Code != 200 || err != nil || got != want {
				t.Errorf("%s #%s: fragment (%d) differs from the page's:\n%.300s\nwant\n%.300s", target, id, rec.Code, got, want)
			}
		}
	}
}
