package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
)

func TestDashboardWithInsights(t *testing.T) {
	evs := allFixtures()
	// A type seen yesterday too (not new), and a drifted variant of it.
	old := ev("y1", "yesterday", "", "OrderPlaced", "order-service", "orders", 0, 100, 0)
	old.Time, old.KafkaTime, old.IngestedAt = t0.Add(-2*time.Hour), t0.Add(-2*time.Hour), t0.Add(-2*time.Hour)
	old.Payload = []byte(`{"orderId":"y","items":[]}`)
	evs = append([]event.Event{old}, evs...)
	drift := ev("d1", "drift", "", "OrderPlaced", "order-service", "orders", 0, 101, 900)
	drift.Payload = []byte(`{"orderId":"d","items":[],"tip":2}`)
	evs = append(evs, drift)
	stats := func() IngestStats {
		return IngestStats{Ready: true, GroupID: "tracer", Consumed: 12, Stored: 11,
			Partitions: []IngestPartition{{Topic: "orders", Partition: 0, Lag: 5}, {Topic: "orders", Partition: 1, Lag: 2}}}
	}
	ts := newTestServer(t, Options{Store: sqliteWith(t, evs...), Stats: stats})
	rec := ts.get(t, "/")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := texts(doc, `[data-testid="total-lag"]`); !cmp.Equal(got, []string{"7"}) {
		t.Errorf("total lag %q", got)
	}
	if got := attrs(doc, `[data-testid="ingest-status"]`, "data-ready"); !cmp.Equal(got, []string{"true"}) {
		t.Errorf("ingest ready %q", got)
	}
	orders := doc.Find(`[data-testid="topic-row"][data-topic="orders"]`)
	if got := orders.Find(`[data-testid="topic-lag"]`).Text(); got != "7" {
		t.Errorf("orders lag %q", got)
	}
	if orders.Find(`[data-testid="sparkline-line"]`).Length() != 1 {
		t.Error("no sparkline for orders")
	}
	if got := orders.Find(`[data-testid="topic-rate"]`).Text(); got != "0/s" {
		t.Errorf("orders rate now %q (nothing in the last 30 s)", got)
	}
	if got := attrs(doc, `[data-testid="status-count"]`, "data-status"); len(got) != 6 {
		t.Errorf("status counts %q, want all six statuses", got)
	}
	kinds := attrs(doc, `[data-testid="anomaly-group"]`, "data-kind")
	if !cmp.Equal(kinds, []string{"dead_letter", "duplicate", "failure", "orphan"}) {
		t.Errorf("anomaly groups %q", kinds)
	}
	if got := attrs(doc, `[data-testid="anomaly-group"][data-kind="dead_letter"] [data-testid="flow-row"]`, "data-flow-id"); !cmp.Equal(got, []string{"key:cust/42"}) {
		t.Errorf("dead_letter flows %q", got)
	}
	slowest := attrs(doc, `[data-testid="slowest-flows"] [data-testid="flow-row"]`, "data-flow-id")
	if len(slowest) == 0 || slowest[0] != "ord-1" {
		t.Errorf("slowest flows %q", slowest)
	}
	var types []string
	doc.Find(`[data-testid="new-type"]`).Each(func(_ int, s *goquery.Selection) {
		typ, _ := s.Attr("data-type")
		drift, _ := s.Attr("data-drift")
		types = append(types, typ+"/"+drift)
	})
	if !slices.Contains(types, "OrderPlaced/true") || !slices.Contains(types, "PizzaPrepared/false") {
		t.Errorf("new types %q", types)
	}
	if slices.Contains(types, "OrderPlaced/false") {
		t.Errorf("a known OrderPlaced variant listed as new: %q", types)
	}
}

func TestDashboardWithoutInsightsHidesSections(t *testing.T) {
	ts := newTestServer(t, Options{})
	body := ts.get(t, "/").Body.String()
	for _, id := range []string{"sparkline", "slowest-flows", "no-slowest", "new-types", "no-new-types", "ingest-status", "topic-lag"} {
		if strings.Contains(body, `data-testid="`+id+`"`) {
			t.Errorf("%s shown without Insights or ingest stats", id)
		}
	}
}

func TestSparkline(t *testing.T) {
	s := sparkline([]float64{0, 2, 1}, "t")
	if s.Points != "0.0,27.0 90.0,1.0 180.0,14.0" || s.Empty {
		t.Errorf("points %q", s.Points)
	}
	if s.Area != "0,28 0.0,27.0 90.0,1.0 180.0,14.0 180.0,28" {
		t.Errorf("area %q", s.Area)
	}
	if z := sparkline([]float64{0, 0}, "t"); !z.Empty || z.Points != "0.0,27.0 180.0,27.0" {
		t.Errorf("zeros: %+v", z)
	}
	if n := sparkline(nil, "t"); n.Points != "" {
		t.Errorf("no values: %+v", n)
	}
}

func TestLivePageServerRendered(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, allFixtures()...), Live: NewLive(4, 0)})
	doc := parseHTML(t, ts.get(t, "/live?q=source:kitchen").Body.String())
	rows := attrs(doc, `[data-testid="live-row"]`, "data-event-id")
	if !cmp.Equal(rows, []string{"e2", "e2"}) {
		t.Errorf("rows %q, want the two PizzaPrepared records", rows)
	}
	if got := attrs(doc, `[data-testid="live"]`, "data-stream"); !cmp.Equal(got, []string{"/api/live?q=source%3Akitchen"}) {
		t.Errorf("stream %q", got)
	}
	if got := attrs(doc, `[data-testid="live-row"] a`, "href"); got[0] != "/flows/ord-1?event=e2#event-e2" {
		t.Errorf("row links %q", got)
	}
	if got := attrs(doc, `[data-testid="live-refresh"]`, "href"); !cmp.Equal(got, []string{"/live?q=source%3Akitchen"}) {
		t.Errorf("refresh %q", got)
	}
	if doc.Find(`script[src*="live."]`).Length() != 1 {
		t.Error("live.js not loaded")
	}
	doc = parseHTML(t, ts.get(t, "/live?q=anomaly:duplicate").Body.String())
	if doc.Find(`[data-testid="live-ignored"]`).Length() != 1 || doc.Find(`[data-testid="live-row"]`).Length() == 0 {
		t.Error("anomaly terms: want a note and every event listed")
	}
	rec := ts.get(t, "/live?q=bad:x")
	if doc := parseHTML(t, rec.Body.String()); rec.Code != 400 || doc.Find(`[data-testid="search-error"]`).Length() != 1 {
		t.Errorf("bad filter: %d", rec.Code)
	}
	// without a hub: no stream attribute, a notice; without Insights: no rows
	doc = parseHTML(t, newTestServer(t, Options{}).get(t, "/live").Body.String())
	if _, ok := doc.Find(`[data-testid="live"]`).Attr("data-stream"); ok || doc.Find(`[data-testid="live-no-recent"]`).Length() != 1 {
		t.Error("without a hub or Insights")
	}
}
