package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
	"github.com/eventscope/eventscope/store"
)

// TestExpandedGroupShowsAPage: an expanded group of more members than a
// page draws a page of them one by one and the rest in one box; "show
// more" draws the next page; "Collapse all" folds every group again.
func TestExpandedGroupShowsAPage(t *testing.T) {
	evs := graphtest.Flow(5000, 1)
	prepared := "group:kitchen/PizzaPrepared"
	size := 0
	for _, e := range evs {
		if e.Type == "PizzaPrepared" {
			size++
		}
	}
	if size <= 2*graph.DefaultExpandLimit {
		t.Fatalf("fixture has %d PizzaPrepared, want more than two pages", size)
	}
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	u := "/flows/batch-5000?expand=" + url.QueryEscape(prepared)
	frag := parseHTML(t, ts.get(t, u, "HX-Request", "true", "HX-Target", "flow-graph").Body.String())
	members := frag.Find(`[data-testid="graph-node"][data-group="` + prepared + `"][data-event-id]`).Length()
	if members != graph.DefaultExpandLimit {
		t.Errorf("%d members drawn, want a page of %d", members, graph.DefaultExpandLimit)
	}
	rest := frag.Find(`[data-testid="graph-node"][data-node="` + prepared + `"]`)
	if c, _ := rest.Attr("data-count"); rest.Length() != 1 || c != itoa(size-members) {
		t.Errorf("rest box: %d boxes, count %q, want 1 of %d", rest.Length(), c, size-members)
	}
	more, _ := frag.Find(`[data-testid="group-more"]`).Attr("hx-get")
	if want := u + "&members=400"; more != want {
		t.Errorf("show more = %q, want %q", more, want)
	}
	if hx, _ := rest.Attr("hx-get"); hx != more {
		t.Errorf("the rest box links %q, want the next page %q", hx, more)
	}
	if got := texts(frag, `[data-testid="group-more"]`); len(got) != 1 || got[0] != "show 200 more" {
		t.Errorf("show more text %q", got)
	}
	frag = parseHTML(t, ts.get(t, more, "HX-Request", "true", "HX-Target", "flow-graph").Body.String())
	if n := frag.Find(`[data-testid="graph-node"][data-group="` + prepared + `"][data-event-id]`).Length(); n != 400 {
		t.Errorf("second page: %d members drawn, want 400", n)
	}
	if all, _ := frag.Find(`[data-testid="collapse-all"]`).Attr("hx-get"); all != "/flows/batch-5000" {
		t.Errorf("collapse all = %q", all)
	}
	if rec := ts.get(t, u+"&members=0"); rec.Code != 400 {
		t.Errorf("members=0: %d, want 400", rec.Code)
	}
}

// TestIdenticalAnomaliesAggregate: anomalies that read the same are one
// line with a count, their event links capped with "and N more".
func TestIdenticalAnomaliesAggregate(t *testing.T) {
	f := &graph.Flow{}
	for i := range 1643 {
		f.Anomalies = append(f.Anomalies, graph.Anomaly{Kind: graph.Stalled, EventIDs: []string{"s" + itoa(i)}, Detail: "no reaction within 30 s"})
	}
	f.Anomalies = append(f.Anomalies, graph.Anomaly{Kind: graph.Stalled, EventIDs: []string{"x"}, Detail: "another reason"})
	var v flowView
	v.addAnomalies(f, eventLinker)
	doc := parseHTML(t, renderComp(t, anomalyList(v.Anomalies)))
	if got := texts(doc, `[data-testid="anomaly-count"]`); len(got) != 1 || got[0] != "× 1,643" {
		t.Errorf("counts %q, want one × 1,643", got)
	}
	if n := doc.Find(`[data-testid="anomaly"]`).Length(); n != 2 {
		t.Errorf("%d lines, want 2", n)
	}
	first := doc.Find(`[data-testid="anomaly"]`).First()
	if n := first.Find(`[data-testid="event-link"]`).Length(); n != maxAnomalyLinks {
		t.Errorf("%d event links, want %d", n, maxAnomalyLinks)
	}
	if got := first.Find(".muted").Text(); got != "and 1633 more" {
		t.Errorf("more = %q", got)
	}
	if fmtThousands(1234567) != "1,234,567" || fmtThousands(12) != "12" {
		t.Error(fmtThousands(1234567))
	}
}

// BenchmarkExpandGroup50k is the server's share of expanding the biggest
// group of a 50,000-event flow (the graph fragment htmx swaps in): with a
// page of 200 members drawn, and with every member (no limit, as before);
// "warm" is the usual case (the first view built the graph, which the
// big-flow cache keeps), "cold" reads and builds the flow again (a cache
// miss: a new record arrived, or the cached graph is older than
// flowCacheTTL). The store answers the flow's summary from a table as the
// real stores do (fakeStore recomputes it from every event, which cost
// three quarters of each request and was measured as the product's time
// before).
func BenchmarkExpandGroup50k(b *testing.B) {
	evs := graphtest.Flow(50000, 1)
	s := &indexedSummaries{fakeStore: newFakeStore(evs...)}
	target := FlowURL(evs[0].CorrelationID) + "?expand=" + url.QueryEscape("group:kitchen/PizzaPrepared")
	for _, cache := range []string{"warm", "cold"} {
		for _, members := range []string{"", "&members=5000"} {
			name := cache + "/members=" + strings.TrimPrefix(members, "&members=")
			b.Run(name, func(b *testing.B) {
				h := New(Options{Store: s})
				expand := func() int {
					req := httptest.NewRequest(http.MethodGet, target+members, nil)
					req.Header.Set("HX-Request", "true")
					req.Header.Set("HX-Target", "flow-graph")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%d: %.200s", rec.Code, rec.Body)
					}
					return rec.Body.Len()
				}
				size := expand() // the first view's build; the summaries
				for b.Loop() {
					if cache == "cold" {
						h = New(Options{Store: s})
					}
					size = expand()
				}
				b.ReportMetric(float64(size), "bytes/op-body")
			})
		}
	}
}

// indexedSummaries answers Flows from summaries computed once, as a store
// with a summary table does.
type indexedSummaries struct {
	*fakeStore
	once sync.Once
	sums []store.FlowSummary
}

func (s *indexedSummaries) Flows(ctx context.Context, q store.FlowQuery) (store.FlowPage, error) {
	s.once.Do(func() { s.sums = s.summaries() })
	var page store.FlowPage
	for _, f := range s.sums {
		ok := true
		for _, t := range q.Terms {
			ok = ok && s.matches(f.CorrelationID, t) != t.Negate
		}
		if ok {
			page.Flows = append(page.Flows, f)
		}
	}
	return page, nil
}
