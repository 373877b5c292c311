package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph/graphtest"
)

// replayFlow1k is flow "batch-1000": graphtest.Flow(1000) with demo-like
// JSON envelope payloads keyed by order (about 50 entities), ingested in
// batches of 100.
func replayFlow1k() []event.Event {
	evs := graphtest.Flow(1000, 1)
	for i := range evs {
		e := &evs[i]
		order, _, _ := strings.Cut(e.EventID, "-")
		e.Key = order
		var data string
		switch e.Type {
		case "OrderPlaced":
			data = `"status":"placed","customer":{"id":"c-` + order + `","name":"Ann Example"},` +
				`"items":[{"sku":"margherita","quantity":2,"unitPrice":9.5}],"total":19.0,"currency":"EUR"`
		case "PaymentAuthorized":
			data = `"paymentStatus":"authorized","paymentId":"p-` + e.EventID + `","amount":19.0,"method":"card"`
		case "KitchenTicketCreated", "PizzaPrepared", "PizzaBoxed":
			data = `"kitchenStatus":"` + strings.ToLower(e.Type) + `","chef":"Luigi","oven":` + fmt.Sprint(i%4)
		case "OutForDelivery", "DriverAssigned":
			data = `"status":"out_for_delivery","courier":{"id":"d-7","name":"Mo","vehicle":"bike"},"etaMinutes":` + fmt.Sprint(10+i%20)
		case "OrderDelivered":
			data = `"status":"delivered","deliveredAt":"` + e.Time.Format(time.RFC3339Nano) + `","courier":null`
		default:
			data = `"lastNotice":"` + e.Type + `","seq":` + fmt.Sprint(i)
		}
		e.Payload = []byte(`{"metadata":{"eventId":"` + e.EventID + `","eventType":"` + e.Type +
			`","correlationId":"` + e.CorrelationID + `","causationId":"` + e.CausationID +
			`"},"data":{"orderId":"` + order + `",` + data + `}}`)
		e.PayloadSize = len(e.Payload)
		e.IngestedAt = graphtest.Start.Add(time.Duration(i/100) * time.Second)
	}
	return evs
}

// BenchmarkReplayFrame1k is the server's share of one frame of a 1k-event
// flow: the fragment request replay.js makes (load the flow from an
// in-memory store, replay it, render the frame).
func BenchmarkReplayFrame1k(b *testing.B) {
	h := New(Options{Store: newFakeStore(replayFlow1k()...)})
	for _, bc := range []struct{ name, query string }{
		{"frame", "?step=500"},
		{"frame-arrival-entity", "?step=500&order=arrival&entity=data.orderId"},
		{"page", "?step=500"},
		{"api", ""},
		{"api-state-entity", "?state=entity"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			target := ReplayURL("batch-1000") + bc.query
			if strings.HasPrefix(bc.name, "api") {
				target = "/api" + target
			}
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, target, nil)
				if strings.HasPrefix(bc.name, "frame") {
					req.Header.Set("HX-Request", "true")
					req.Header.Set("HX-Target", "replay-frame")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", target, rec.Code)
				}
				b.ReportMetric(float64(rec.Body.Len()), "bytes/op")
			}
		})
	}
}
