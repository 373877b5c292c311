package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph"
)

func renderComp(t *testing.T, c templ.Component) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

func pizzaView(selected string) flowView {
	return buildFlowView("ord-1", graph.Build(newFakeStore(pizzaFlow()...).events, graph.Options{}), selected)
}

func TestEventTree(t *testing.T) {
	doc := parseHTML(t, renderComp(t, eventTree(pizzaView("").Tree)))
	rows := doc.Find(`[data-testid="event-tree"] [data-testid="tree-row"]`)
	type row struct{ ID, Depth, Type, Source, Topic, Time, Hop string }
	var got []row
	rows.Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-event-id")
		d, _ := s.Attr("data-depth")
		cell := func(i int) string { return strings.Join(strings.Fields(s.Find("td").Eq(i).Text()), " ") }
		got = append(got, row{id, d, cell(0), cell(1), cell(2), cell(3), cell(4)})
	})
	want := []row{
		{"e1", "0", "OrderPlaced", "order-service", "orders", "2026-11-23 10:00:00.000", ""},
		{"e3", "1", "↳ PaymentFailed failure", "payment", "payments", "2026-11-23 10:00:00.080", "+80 ms"},
		{"e4", "2", "↳ OrderCancelled", "order-service", "orders", "2026-11-23 10:00:00.200", "+120 ms"},
		{"e2", "1", "↳ PizzaPrepared duplicate", "kitchen", "kitchen", "2026-11-23 10:00:00.120", "+120 ms"},
		{"e2", "1", "↳ PizzaPrepared dup", "kitchen", "kitchen", "2026-11-23 10:00:00.130", "+130 ms"},
		{"e6", "0", "PointsAwarded orphan", "loyalty", "loyalty", "2026-11-23 10:00:00.300", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree rows (-want +got):\n%s", diff)
	}
	// anchors: the first record of an ID owns event-ID; a duplicate gets its own
	if ids := attrs(doc, `[data-testid="tree-row"]`, "id"); !cmp.Equal(ids, []string{
		"event-e1", "event-e3", "event-e4", "event-e2", "record-kitchen/1/6", "event-e6"}) {
		t.Errorf("row ids = %q", ids)
	}
	if cur := attrs(doc, `[data-testid="tree-row"][aria-current="true"]`, "data-event-id"); !cmp.Equal(cur, []string{"e1"}) {
		t.Errorf("selected rows = %q, want the first", cur)
	}
	link := doc.Find(`[data-event-id="e3"] a`).First()
	href, _ := link.Attr("href")
	hx, _ := link.Attr("hx-get")
	target, _ := link.Attr("hx-target")
	if href != "/flows/ord-1?event=e3#event-e3" || hx != "/flows/ord-1?event=e3" || target != "#event-detail" {
		t.Errorf("row link href=%q hx-get=%q hx-target=%q", href, hx, target)
	}
}

func TestFlowHeaderAndAnomalies(t *testing.T) {
	v := pizzaView("")
	doc := parseHTML(t, renderComp(t, flowHeader(v.Header)))
	got := map[string]string{}
	for _, id := range []string{"flow-id", "flow-first", "flow-last", "flow-span", "flow-events", "flow-edges", "flow-anomaly-count"} {
		got[id] = strings.Join(texts(doc, `[data-testid="`+id+`"]`), "|")
	}
	for _, id := range []string{"flow-services", "flow-topics"} {
		got[id] = strings.Join(texts(doc, `[data-testid="`+id+`"] .tag`), " ")
	}
	want := map[string]string{
		"flow-id": "ord-1", "flow-first": "2026-11-23 10:00:00.000", "flow-last": "2026-11-23 10:00:00.300",
		"flow-span": "300 ms", "flow-events": "6", "flow-edges": "3", "flow-anomaly-count": "3",
		"flow-services": "kitchen loyalty order-service payment", "flow-topics": "kitchen loyalty orders payments",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}

	if got := attrs(doc, `[data-testid="flow-status"]`, "data-status"); !cmp.Equal(got, []string{"compensated"}) {
		t.Errorf("flow status badge = %q, want compensated (PaymentFailed, then OrderCancelled)", got)
	}
	doc = parseHTML(t, renderComp(t, anomalyList(v.Anomalies)))
	if got := attrs(doc, `[data-testid="anomaly"]`, "data-kind"); !cmp.Equal(got, []string{"orphan", "duplicate", "failure"}) {
		t.Errorf("anomaly kinds = %q", got)
	}
	if got := attrs(doc, `[data-testid="anomaly"] a[data-testid="event-link"]`, "href"); !cmp.Equal(got, []string{
		"/flows/ord-1?event=e6#event-e6", "/flows/ord-1?event=e2#event-e2", "/flows/ord-1?event=e3#event-e3"}) {
		t.Errorf("anomaly links = %q", got)
	}
	if got := texts(doc, `[data-testid="anomaly"] .badge`); !cmp.Equal(got, []string{"orphan", "duplicate", "failure"}) {
		t.Errorf("badges = %q", got)
	}
	doc = parseHTML(t, renderComp(t, anomalyList(nil)))
	if doc.Find(`[data-testid="anomaly-list"] [data-testid="no-anomalies"]`).Length() != 1 {
		t.Error("empty anomaly list does not say so")
	}
}

func TestEventDetailJSON(t *testing.T) {
	doc := parseHTML(t, renderComp(t, eventDetail(pizzaView("e1").Detail)))
	field := func(id string) string { return strings.Join(texts(doc, `[data-testid="`+id+`"]`), "|") }
	want := map[string]string{
		"detail-type": "OrderPlaced", "detail-event-id": "e1", "detail-correlation-id": "ord-1",
		"detail-cause": "none (root)", "detail-effects": "PaymentFailed, PizzaPrepared",
		"detail-source": "order-service", "detail-time": "2026-11-23 10:00:00.000",
		"detail-topic": "orders", "detail-partition": "0", "detail-offset": "1", "detail-key": "ord-1",
		"detail-convention": "json-envelope", "detail-content-type": "application/json",
		"payload-size": "42 bytes, json",
	}
	for id, w := range want {
		if g := field(id); g != w {
			t.Errorf("%s = %q, want %q", id, g, w)
		}
	}
	if got := texts(doc, `[data-testid="header-row"] > *`); !cmp.Equal(got, []string{"correlation-id", "ord-1", "event-id", "e1"}) {
		t.Errorf("headers = %q", got)
	}
	pre := doc.Find(`[data-testid="event-payload"]`)
	if kind, _ := pre.Attr("data-kind"); kind != "json" {
		t.Errorf("payload kind = %q", kind)
	}
	wantPayload := "{\n  \"orderId\": \"ord-1\",\n  \"items\": [\n    \"margherita\"\n  ]\n}"
	if pre.Text() != wantPayload {
		t.Errorf("payload =\n%s\nwant\n%s", pre.Text(), wantPayload)
	}
	if got := attrs(doc, `[data-testid="detail-effects"] a`, "hx-get"); !cmp.Equal(got, []string{
		"/flows/ord-1?event=e3", "/flows/ord-1?event=e2"}) {
		t.Errorf("effect links = %q", got)
	}
}

func TestEventDetailCauseDuplicateOrphan(t *testing.T) {
	v := pizzaView("e2")
	doc := parseHTML(t, renderComp(t, eventDetail(v.Detail)))
	if got := texts(doc, `[data-testid="detail-cause"]`); !cmp.Equal(got, []string{"OrderPlaced e1"}) {
		t.Errorf("cause = %q", got)
	}
	if got := texts(doc, `[data-testid="detail-duplicates"]`); !cmp.Equal(got, []string{"kitchen/1/6"}) {
		t.Errorf("duplicates = %q", got)
	}
	doc = parseHTML(t, renderComp(t, eventDetail(pizzaView("e6").Detail)))
	if got := texts(doc, `[data-testid="detail-cause"]`); !cmp.Equal(got, []string{"ghost not seen"}) {
		t.Errorf("orphan cause = %q", got)
	}
	if doc.Find(`[data-testid="detail-no-headers"]`).Length() != 1 || doc.Find(`[data-testid="event-payload"][data-kind="empty"]`).Length() != 1 {
		t.Error("event without headers and payload does not say so")
	}
}

func TestEventDetailBinary(t *testing.T) {
	e := keyFlow()
	v := buildFlowView(e.FlowID(), graph.Build(newFakeStore(e).events, graph.Options{}), "")
	doc := parseHTML(t, renderComp(t, eventDetail(v.Detail)))
	pre := doc.Find(`[data-testid="event-payload"]`)
	if kind, _ := pre.Attr("data-kind"); kind != "hex" {
		t.Errorf("payload kind = %q", kind)
	}
	if want := "00000000  00 01 fe ff 68 69                                 |....hi|\n"; pre.Text() != want {
		t.Errorf("hex dump = %q, want %q", pre.Text(), want)
	}
	for id, want := range map[string]string{
		"detail-decode-error": "value is not JSON", "detail-id-source": "derived",
		"detail-event-id": "payments.DLT/0/3", "detail-key": "cust/42",
	} {
		if got := strings.Join(texts(doc, `[data-testid="`+id+`"]`), "|"); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if got := attrs(doc, `[data-testid="event-page-link"]`, "href"); !cmp.Equal(got, []string{"/events/payments.DLT%2F0%2F3"}) {
		t.Errorf("event page link = %q", got)
	}
}

func TestDashboardComponent(t *testing.T) {
	ts := newTestServer(t, Options{Stats: func() IngestStats { return IngestStats{GroupID: "tracer", Consumed: 7} }})
	doc := parseHTML(t, ts.get(t, "/").Body.String())
	for id, want := range map[string]string{"total-events": "10", "total-flows": "4", "total-topics": "7"} {
		if got := strings.Join(texts(doc, `[data-testid="`+id+`"]`), "|"); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if got := attrs(doc, `[data-testid="flow-row"]`, "data-flow-id"); !cmp.Equal(got, []string{"xss", "tenant/a b%2F?#x", "key:cust/42", "ord-1"}) {
		t.Errorf("recent flows = %q", got)
	}
	if got := attrs(doc, `[data-testid="flow-row"] a`, "href"); got[1] != "/flows/tenant%2Fa%20b%252F%3F%23x" || got[2] != "/flows/key:cust%2F42" {
		t.Errorf("flow links = %q", got)
	}
	ord := doc.Find(`[data-testid="flow-row"][data-flow-id="ord-1"]`)
	if got := strings.Join(strings.Fields(ord.Find("td").Eq(1).Text()), " "); got != "2026-11-23 10:00:00.300 59m ago" {
		t.Errorf("ord-1 last event = %q", got)
	}
	if got := texts(doc, `[data-flow-id="ord-1"] [data-testid="anomaly-badge"]`); !cmp.Equal(got, []string{"duplicate", "failure", "orphan"}) {
		t.Errorf("ord-1 badges = %q", got)
	}
	if got := texts(doc, `[data-testid="topic-row"] td`); len(got) != 14 || got[0] != "kitchen" || got[1] != "2" {
		t.Errorf("topics = %q", got)
	}
	if got := doc.Find(`[data-testid="ingest-stats"] pre`).Text(); !strings.Contains(got, "\"group_id\": \"tracer\",\n  \"consumed\": 7,\n") {
		t.Errorf("ingest stats = %q", got)
	}
	if got := attrs(doc, `[data-testid="nav-Dashboard"]`, "aria-current"); !cmp.Equal(got, []string{"page"}) {
		t.Errorf("nav current = %q", got)
	}
}
