package ui

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
)

// enrichedFlow: a Kafka Streams mapValues copied order o-1 to
// orders-enriched with its headers (same event ID, other payload).
func enrichedFlow() []event.Event {
	order := ev("o-1", "cp-1", "", "OrderPlaced", "orders", "orders", 0, 1, 0)
	order.Payload = []byte(`{"id":1}`)
	enriched := ev("o-1", "cp-1", "", "OrderPlaced", "orders", "orders-enriched", 0, 1, 4)
	enriched.Payload = []byte(`{"enriched":true,"order":{"id":1}}`)
	paid := ev("p-1", "cp-1", "o-1", "PaymentProcessed", "payments", "payments", 0, 1, 20)
	return []event.Event{order, enriched, paid}
}

// TestDerivedCopy: the copy is its own event with a stable ID (o-1@topic)
// that the API and the event page answer to, linked from the original by
// a copy edge, and no duplicate is raised.
func TestDerivedCopy(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(enrichedFlow()...)})
	var f struct {
		Events []struct {
			EventID string `json:"event_id"`
			CopyOf  string `json:"copy_of"`
		} `json:"events"`
		Edges []struct {
			From, To, Kind string
		} `json:"edges"`
		Anomalies []any `json:"anomalies"`
	}
	decodeJSON(t, ts.get(t, "/api/flows/cp-1"), &f)
	var ids []string
	for _, e := range f.Events {
		ids = append(ids, e.EventID+"<"+e.CopyOf)
	}
	if got := strings.Join(ids, " "); got != "o-1< o-1@orders-enriched<o-1 p-1<" {
		t.Errorf("events = %s", got)
	}
	if len(f.Edges) != 2 || f.Edges[0].To != "o-1@orders-enriched" || f.Edges[0].Kind != "copy" || f.Edges[1].Kind != "" {
		t.Errorf("edges = %+v", f.Edges)
	}
	if len(f.Anomalies) != 0 {
		t.Errorf("anomalies = %v, want none", f.Anomalies)
	}
	rec := ts.get(t, EventURL("o-1@orders-enriched"))
	if rec.Code != http.StatusOK {
		t.Fatalf("copy page: %d %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := texts(doc, `[data-testid="detail-copy-of"]`); len(got) != 1 || got[0] != "o-1" {
		t.Errorf("copy of = %v", got)
	}
	if got := texts(doc, `[data-testid="detail-topic"]`); len(got) != 1 || got[0] != "orders-enriched" {
		t.Errorf("copy page topic = %v", got)
	}
	// The original's page: its effects include the copy, and its own
	// record is not listed again as published elsewhere.
	var body struct {
		Event   struct{ Topic string } `json:"event"`
		Effects []struct {
			EventID string `json:"event_id"`
		} `json:"effects"`
	}
	decodeJSON(t, ts.get(t, "/api/events/o-1"), &body)
	if body.Event.Topic != "orders" || len(body.Effects) != 2 {
		t.Errorf("original = %+v", body)
	}
	doc = parseHTML(t, ts.get(t, "/events/o-1").Body.String())
	if got := texts(doc, `[data-testid="detail-duplicates"]`); len(got) != 0 {
		t.Errorf("original lists %v as published elsewhere", got)
	}
	if rec := ts.get(t, "/api/events/p-1@orders"); rec.Code != http.StatusNotFound {
		t.Errorf("a copy ID that names no copy: %d", rec.Code)
	}
}
