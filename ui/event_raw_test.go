package ui

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// connectEvent is a record the Kafka Connect JsonConverter wrapped, as the
// decoder stores it: the business payload and key, the envelopes kept raw.
func connectEvent() event.Event {
	e := ev("pay-1", "cdc-1", "", "PaymentProcessed", "payments", "outbox.payment", 0, 5, 10)
	e.Key, e.KeyRaw = "pay-123", `{"schema":{"type":"string","optional":false},"payload":"pay-123"}`
	e.Payload = []byte(`{"paymentId":"pay-123","amount":42.5}`)
	e.PayloadSize = len(e.Payload)
	e.PayloadRaw = []byte(`{"schema":{"type":"string","name":"io.debezium.data.Json"},"payload":"{\"paymentId\":\"pay-123\",\"amount\":42.5}"}`)
	e.ContentType, e.Convention = "application/json; envelope=kafka-connect", "headers+kafka-connect"
	return e
}

// TestEventRawCopy: the event page shows the unwrapped payload and key,
// and the raw envelope behind a toggle; the API has payload_raw and key_raw.
func TestEventRawCopy(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(connectEvent())})
	rec := ts.get(t, "/events/pay-1")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := strings.Join(texts(doc, `[data-testid="event-payload"]`), ""); !strings.Contains(got, `"paymentId": "pay-123"`) || strings.Contains(got, "schema") {
		t.Errorf("payload shown = %q, want the unwrapped business JSON", got)
	}
	if got := strings.Join(texts(doc, `[data-testid="event-payload-raw"] pre`), ""); !strings.Contains(got, "io.debezium.data.Json") {
		t.Errorf("raw toggle = %q, want the envelope", got)
	}
	if got := texts(doc, `[data-testid="detail-key"]`); len(got) != 1 || got[0] != "pay-123" {
		t.Errorf("key = %q, want pay-123", got)
	}
	if got := texts(doc, `[data-testid="detail-key-raw"]`); len(got) != 1 || !strings.Contains(got[0], `"payload":"pay-123"`) {
		t.Errorf("key as written = %q", got)
	}
	rec = ts.get(t, "/api/events/pay-1")
	var body struct {
		Event struct {
			Key        string          `json:"key"`
			KeyRaw     string          `json:"key_raw"`
			Payload    json.RawMessage `json:"payload"`
			PayloadRaw json.RawMessage `json:"payload_raw"`
		} `json:"event"`
	}
	decodeJSON(t, rec, &body)
	if body.Event.Key != "pay-123" || !strings.HasPrefix(body.Event.KeyRaw, `{"schema"`) ||
		!strings.HasPrefix(string(body.Event.Payload), `{"paymentId"`) || !strings.HasPrefix(string(body.Event.PayloadRaw), `{"schema"`) {
		t.Errorf("API event = %+v", body.Event)
	}
}

// TestReplayUnwrapped: replay folds the unwrapped business payloads of
// Connect records, never the envelope.
func TestReplayUnwrapped(t *testing.T) {
	first := connectEvent()
	second := connectEvent()
	second.EventID, second.Offset, second.Time = "pay-2", 6, first.Time.Add(time.Second)
	second.Payload = []byte(`{"paymentId":"pay-123","amount":50,"status":"captured"}`)
	second.PayloadRaw = []byte(`{"schema":null,"payload":{"paymentId":"pay-123","amount":50,"status":"captured"}}`)
	ts := newTestServer(t, Options{Store: newFakeStore(first, second)})
	var b replayBody
	decodeJSON(t, ts.get(t, "/api"+ReplayURL("cdc-1")+"?entity=paymentId"), &b)
	if len(b.Steps) != 2 {
		t.Fatalf("steps %d, want 2", len(b.Steps))
	}
	last := b.Steps[1].State["pay-123"]
	if last["status"] != "captured" || last["amount"] != float64(50) || last["schema"] != nil {
		t.Errorf("state of pay-123 = %v, want the unwrapped fields", last)
	}
}
