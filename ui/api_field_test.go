package ui

import (
	"testing"

	"github.com/eventscope/eventscope/event"
)

func TestAPIFieldList(t *testing.T) {
	e := event.Event{Topic: "payments", Partition: 0, Offset: 1, EventID: "e1", CorrelationID: "f1", Type: "PaymentAuthorized",
		Time: t0, KafkaTime: t0, Payload: []byte(`{"amount":12.5,"card":{"last4":"4242"},"items":[{"sku":"A-17"}]}`)}
	e.PayloadSize = len(e.Payload)
	ts := newTestServer(t, Options{Store: sqliteWith(t, e)})
	rec := ts.get(t, "/api/fields?type=PaymentAuthorized")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var body struct {
		Type   string `json:"type"`
		Fields []struct {
			Path   string   `json:"path"`
			Kinds  []string `json:"kinds"`
			Events int64    `json:"events"`
		} `json:"fields"`
	}
	decodeJSON(t, rec, &body)
	var paths []string
	for _, f := range body.Fields {
		paths = append(paths, f.Path)
	}
	if body.Type != "PaymentAuthorized" || len(body.Fields) != 5 || paths[0] != "amount" || body.Fields[0].Kinds[0] != "number" ||
		body.Fields[0].Events != 1 || paths[4] != "items.sku" {
		t.Errorf("body = %+v", body)
	}
	if rec := ts.get(t, "/api/fields"); rec.Code != 400 {
		t.Errorf("without type: status %d, want 400", rec.Code)
	}
	if rec := newTestServer(t, Options{}).get(t, "/api/fields?type=X"); rec.Code != 501 {
		t.Errorf("fake store: status %d, want 501", rec.Code)
	}
}
