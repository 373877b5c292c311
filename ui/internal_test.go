package ui

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
)

// streamsFlow is an order whose enrichment ran through a Kafka Streams
// topology: its repartition copy (same event ID, forwarded headers) is on an
// internal topic.
func streamsFlow() []event.Event {
	order := ev("o-1", "st-1", "", "OrderPlaced", "orders", "orders", 0, 1, 0)
	paid := ev("p-1", "st-1", "o-1", "PaymentProcessed", "payments", "payments", 0, 1, 20)
	rep := ev("o-1", "st-1", "", "OrderPlaced", "orders", "enricher-KSTREAM-KEY-SELECT-0000000002-repartition", 0, 1, 5)
	rep.Internal = true
	return []event.Event{order, rep, paid}
}

// TestFlowInternalToggle: internal records are hidden from the flow page and
// the API by default, shown with ?internal=1, and never make an anomaly.
func TestFlowInternalToggle(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(streamsFlow()...)})
	doc := parseHTML(t, ts.get(t, "/flows/st-1").Body.String())
	if got := texts(doc, `[data-testid="flow-events"]`); len(got) != 1 || got[0] != "2" {
		t.Errorf("events = %v, want 2 (the internal copy hidden)", got)
	}
	if got := texts(doc, `[data-testid="flow-topics"]`); strings.Contains(strings.Join(got, " "), "repartition") {
		t.Errorf("topics %v show the internal topic", got)
	}
	show := attrs(doc, `[data-testid="internal-show"]`, "href")
	if len(show) != 1 || !strings.Contains(show[0], "internal=1") {
		t.Fatalf("show link = %v", show)
	}
	rec := ts.get(t, show[0])
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d", show[0], rec.Code)
	}
	doc = parseHTML(t, rec.Body.String())
	if got := texts(doc, `[data-testid="flow-events"]`); len(got) != 1 || got[0] != "3" {
		t.Errorf("events with internal shown = %v, want 3", got)
	}
	if got := texts(doc, `[data-testid="anomaly"]`); len(got) != 0 {
		t.Errorf("anomalies with internal shown = %v, want none", got)
	}
	if hide := attrs(doc, `[data-testid="internal-hide"]`, "href"); len(hide) != 1 || strings.Contains(hide[0], "internal=") {
		t.Errorf("hide link = %v", hide)
	}
	for target, want := range map[string]int{"/api/flows/st-1": 2, "/api/flows/st-1?internal=1": 3} {
		var f flowBody
		decodeJSON(t, ts.get(t, target), &f)
		if len(f.Events) != want || len(f.Anomalies) != 0 {
			t.Errorf("%s: %d events, anomalies %v; want %d and none", target, len(f.Events), f.Anomalies, want)
		}
	}
}

// TestServicesInternalToggle: the service map leaves internal topics out
// unless ?internal=1, and says how many records it left out.
func TestServicesInternalToggle(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, streamsFlow()...)})
	doc := parseHTML(t, ts.get(t, "/services").Body.String())
	topics := strings.Join(attrs(doc, `[data-testid="topic-node"]`, "data-name"), " ")
	if strings.Contains(topics, "repartition") || !strings.Contains(topics, "orders") {
		t.Errorf("topic nodes %q: want orders, not the repartition topic", topics)
	}
	link := attrs(doc, `[data-testid="internal-link"]`, "href")
	if len(link) != 1 || link[0] != "/services?internal=1" {
		t.Fatalf("toggle = %v", link)
	}
	doc = parseHTML(t, ts.get(t, link[0]).Body.String())
	if topics := strings.Join(attrs(doc, `[data-testid="topic-node"]`, "data-name"), " "); !strings.Contains(topics, "repartition") {
		t.Errorf("with internal=1, topic nodes %q lack the repartition topic", topics)
	}
}

// TestFlowOfInternalRecordsOnly: a flow of internal records only (Kafka
// Streams changelog records carry no event headers) shows no events by
// default, says so, and shows them with the toggle.
func TestFlowOfInternalRecordsOnly(t *testing.T) {
	cl := ev("x-1", "", "", "", "", "enricher-counts-changelog", 0, 1, 0)
	cl.CorrelationID, cl.Key, cl.Internal = "", "ada", true
	ts := newTestServer(t, Options{Store: newFakeStore(cl)})
	rec := ts.get(t, "/flows/key:ada")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := texts(doc, `[data-testid="flow-events"]`); len(got) != 1 || got[0] != "0" {
		t.Errorf("events = %v, want 0", got)
	}
	if got := attrs(doc, `[data-testid="internal-show"]`, "href"); len(got) != 1 {
		t.Fatalf("no show link: %v", got)
	}
	doc = parseHTML(t, ts.get(t, "/flows/key:ada?internal=1").Body.String())
	if got := texts(doc, `[data-testid="flow-events"]`); len(got) != 1 || got[0] != "1" {
		t.Errorf("events with internal shown = %v, want 1", got)
	}
	var f flowBody
	decodeJSON(t, ts.get(t, "/api/flows/key:ada"), &f)
	if len(f.Events) != 0 {
		t.Errorf("API events = %d, want 0", len(f.Events))
	}
}

// TestDashboardInternalToggle: the dashboard counts business topics only,
// says how many records internal topics hold, and lists them with the
// toggle; /api/stats has them apart.
func TestDashboardInternalToggle(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, streamsFlow()...)})
	doc := parseHTML(t, ts.get(t, "/").Body.String())
	if got := strings.Join(attrs(doc, `[data-testid="topic-row"]`, "data-topic"), " "); strings.Contains(got, "repartition") {
		t.Errorf("dashboard topics %q include the internal one", got)
	}
	note := strings.Join(texts(doc, `[data-testid="internal-toggle"]`), "")
	link := attrs(doc, `[data-testid="internal-link"]`, "href")
	if !strings.Contains(note, "1 record on 1 internal topic is not counted") || len(link) != 1 || link[0] != "/?internal=1" {
		t.Fatalf("toggle %q %v", note, link)
	}
	doc = parseHTML(t, ts.get(t, link[0]).Body.String())
	if got := attrs(doc, `[data-testid="internal-topics"] [data-testid="topic-row"]`, "data-topic"); len(got) != 1 || !strings.HasSuffix(got[0], "-repartition") {
		t.Errorf("internal topics shown = %v", got)
	}
	var st struct {
		Events   int64 `json:"events"`
		Internal []struct {
			Topic  string
			Events int64
		} `json:"internal_topics"`
	}
	decodeJSON(t, ts.get(t, "/api/stats"), &st)
	if st.Events != 2 || len(st.Internal) != 1 || st.Internal[0].Events != 1 {
		t.Errorf("stats = %+v", st)
	}
}
