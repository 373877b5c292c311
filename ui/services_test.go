package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/sqlite"
)

// sqliteWith is the embedded store (which has store.Insights) holding evs.
func sqliteWith(t *testing.T, evs ...event.Event) *sqlite.Store {
	t.Helper()
	st, err := sqlite.OpenDSN(t.Context(), sqlite.MemoryDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestServicesPage(t *testing.T) {
	groups := func(context.Context) ([]ConsumerGroup, error) {
		return []ConsumerGroup{
			{Name: "kitchen", State: "Stable", Members: 1, Topics: []string{"orders"}, Lag: 3},
			{Name: "tracer", State: "Stable", Members: 1, Topics: []string{"orders", "kitchen"}, Lag: 0},
			{Name: "audit", State: "Empty", Topics: []string{"archive"}, Lag: -1},
		}, nil
	}
	stats := func() IngestStats { return IngestStats{GroupID: "tracer"} }
	ts := newTestServer(t, Options{Store: sqliteWith(t, allFixtures()...), Groups: groups, Stats: stats})
	rec := ts.get(t, "/services")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	services := attrs(doc, `[data-testid="service-node"]`, "data-name")
	if want := []string{"(unknown)", "<script>src</script>", "kitchen", "loyalty", "order-service", "payment", "svc"}; !cmp.Equal(services, want) {
		t.Errorf("service nodes %q, want %q", services, want)
	}
	if got := attrs(doc, `[data-testid="group-node"]`, "data-name"); !cmp.Equal(got, []string{"kitchen", "audit"}) {
		t.Errorf("group nodes %q (eventscope's own group left out)", got)
	}
	if got := attrs(doc, `[data-testid="topic-node"]`, "data-name"); !slices.Contains(got, "archive") || !slices.Contains(got, "payments.DLT") {
		t.Errorf("topic nodes %q", got)
	}
	if got := attrs(doc, `[data-testid="service-node"][data-name="kitchen"] a`, "href"); !cmp.Equal(got, []string{"/search?q=source%3Akitchen"}) {
		t.Errorf("kitchen links to %q", got)
	}
	// kitchen reacted to OrderPlaced on orders (PizzaPrepared caused by e1), 120 ms later
	var react []string
	doc.Find(`[data-testid="map-edge-row"][data-relation="reacts to"]`).Each(func(_ int, s *goquery.Selection) {
		react = append(react, strings.Join(s.Find("td").Map(func(_ int, td *goquery.Selection) string { return td.Text() }), "|"))
	})
	if !slices.Contains(react, "orders|reacts to|OrderPlaced|kitchen|2|2.0/h|120 ms|130 ms|example flows") {
		t.Errorf("reaction rows %q", react)
	}
	href := attrs(doc, `[data-testid="map-edge-row"][data-relation="publishes"] [data-testid="edge-examples"]`, "href")
	if !slices.Contains(href, SearchURL("source:kitchen type:PizzaPrepared topic:kitchen")) {
		t.Errorf("example links %q", href)
	}
	if doc.Find(`svg [data-testid="map-edge"] polyline`).Length() == 0 || doc.Find(`[data-testid="group-row"]`).Length() != 2 {
		t.Error("no edges drawn or groups listed")
	}
}

func TestServicesAPI(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, pizzaFlow()...),
		Groups: func(context.Context) ([]ConsumerGroup, error) { return nil, errors.New("brokers down") }})
	var body servicesJSON
	decodeJSON(t, ts.get(t, "/api/services"), &body)
	if !body.Available || body.Events != 6 || body.GroupsError == "" || body.Groups == nil {
		t.Errorf("body %+v", body)
	}
	var ids []string
	for _, n := range body.Nodes {
		ids = append(ids, n.ID)
	}
	want := []string{"service:kitchen", "service:loyalty", "service:order-service", "service:payment",
		"topic:kitchen", "topic:loyalty", "topic:orders", "topic:payments"}
	if !cmp.Equal(ids, want) {
		t.Errorf("nodes %q", ids)
	}
	i := slices.IndexFunc(body.Edges, func(e graph.MapEdge) bool {
		return e.From == "topic:payments" && e.To == "service:order-service"
	})
	if i < 0 || body.Edges[i].Label != "PaymentFailed" || body.Edges[i].P50MS != 120 || body.Edges[i].P99MS != 120 {
		t.Errorf("order-service reacting to payments: %+v", body.Edges)
	}
}

func TestServicesWithoutInsights(t *testing.T) {
	ts := newTestServer(t, Options{})
	doc := parseHTML(t, ts.get(t, "/services").Body.String())
	if doc.Find(`[data-testid="services-unavailable"]`).Length() != 1 {
		t.Error("a store without Insights: no notice")
	}
}

func TestQueryValue(t *testing.T) {
	for v, want := range map[string]string{
		"kitchen": "kitchen", "a b": `"a b"`, `q"t`: `"q\"t"`, `b\s`: `"b\\s"`, "-x": `"-x"`, "": `""`, "a*": `"a*"`,
	} {
		if got := queryValue(v); got != want {
			t.Errorf("queryValue(%q) = %s, want %s", v, got, want)
		}
	}
}
