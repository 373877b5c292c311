package ui

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
)

// TestEventIDInTwoFlows: an event ID published in two flows is shown with
// both listed, and ?flow= picks either (issue 17 F11).
func TestEventIDInTwoFlows(t *testing.T) {
	evs := []event.Event{
		ev("shared-1", "flow-a", "", "OrderPlaced", "shop", "orders", 0, 1, 0),
		ev("a-child", "flow-a", "shared-1", "Paid", "pay", "payments", 0, 2, 5),
		ev("shared-1", "flow-b", "", "Refunded", "pay", "payments", 1, 7, 9),
		ev("b-child", "flow-b", "shared-1", "Mailed", "mail", "mails", 0, 3, 12),
	}
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})

	var body struct {
		Event   event.Event   `json:"event"`
		Flows   []string      `json:"flows"`
		Effects []event.Event `json:"effects"`
	}
	for flow, want := range map[string]struct{ corr, effect string }{
		"":       {"flow-a", "a-child"},
		"flow-a": {"flow-a", "a-child"},
		"flow-b": {"flow-b", "b-child"},
	} {
		rec := ts.get(t, "/api/events/shared-1?flow="+flow)
		decodeJSON(t, rec, &body)
		if rec.Code != http.StatusOK || body.Event.CorrelationID != want.corr || len(body.Effects) != 1 || body.Effects[0].EventID != want.effect {
			t.Errorf("flow %q: %d, event in %q, effects %v; want %s with %s", flow, rec.Code, body.Event.CorrelationID, body.Effects, want.corr, want.effect)
		}
		if len(body.Flows) != 2 || body.Flows[0] != want.corr {
			t.Errorf("flow %q: flows %v, want both with %s first", flow, body.Flows, want.corr)
		}
	}
	if rec := ts.get(t, "/api/events/shared-1?flow=flow-c"); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown flow: %d, want 404", rec.Code)
	}

	rec := ts.get(t, "/events/shared-1")
	doc := parseHTML(t, rec.Body.String())
	if got := doc.Find(`[data-testid="event-flows"] li`).Length(); got != 2 {
		t.Fatalf("event page lists %d flows, want 2:\n%s", got, rec.Body)
	}
	link, _ := doc.Find(`[data-testid="event-flow-link"]`).Attr("href")
	if link != "/events/shared-1?flow=flow-b" || !strings.Contains(doc.Find(`[data-testid="event-flow-current"]`).Text(), "flow-a") {
		t.Errorf("link %q, current %q", link, doc.Find(`[data-testid="event-flow-current"]`).Text())
	}
	if rec := ts.get(t, "/events/a-child"); strings.Contains(rec.Body.String(), `data-testid="event-flows"`) {
		t.Errorf("an ID in one flow lists flows")
	}
}
