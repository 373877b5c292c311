package ui

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// replayFlowID is the flow of replayPizza.
const replayFlowID = "pizza-1"

// withData gives e a JSON envelope payload whose data is data.
func withData(e event.Event, data string) event.Event {
	e.Payload = []byte(`{"metadata":{"eventId":"` + e.EventID + `","eventType":"` + e.Type + `"},"data":` + data + `}`)
	e.PayloadSize = len(e.Payload)
	e.ContentType = "application/json"
	return e
}

// replayPizza is a pizza order whose payment failed and was compensated:
// OrderPlaced, PizzaPrepared (published twice), PaymentFailed,
// OrderCancelled (which drops the kitchen status), and an audit record
// whose payload is not JSON. The kitchen's events reached eventscope late,
// after the payment's, so arrival order differs from time order.
func replayPizza() []event.Event {
	placed := withData(ev("r1", replayFlowID, "", "OrderPlaced", "order-service", "orders", 0, 10, 0),
		`{"orderId":"pizza-1","status":"placed","customer":{"id":"c-7","name":"Ann"},"items":[{"sku":"margherita","quantity":2}],"total":19.5}`)
	prepared := withData(ev("r2", replayFlowID, "r1", "PizzaPrepared", "kitchen", "kitchen", 0, 20, 300),
		`{"orderId":"pizza-1","kitchenStatus":"prepared","chef":"Luigi"}`)
	dup := prepared
	dup.Offset, dup.Time, dup.KafkaTime = 21, prepared.Time.Add(50*time.Millisecond), prepared.KafkaTime.Add(50*time.Millisecond)
	failed := withData(ev("r3", replayFlowID, "r1", "PaymentFailed", "payment", "payments", 0, 30, 500),
		`{"orderId":"pizza-1","paymentStatus":"failed","failureReason":"card_declined"}`)
	cancelled := withData(ev("r4", replayFlowID, "r3", "OrderCancelled", "order-service", "orders", 0, 11, 700),
		`{"orderId":"pizza-1","status":"cancelled","cancelReason":"payment failed","kitchenStatus":null}`)
	audit := ev("r5", replayFlowID, "r4", "AuditLogged", "audit", "audit", 0, 1, 800)
	audit.Payload = []byte("order pizza-1 cancelled by saga")
	audit.PayloadSize = len(audit.Payload)
	evs := []event.Event{placed, prepared, dup, failed, cancelled, audit}
	for i := range evs {
		evs[i].IngestedAt = t0.Add(time.Second + time.Duration(i)*time.Millisecond)
	}
	// the kitchen's two records arrived after the payment's
	evs[1].IngestedAt = t0.Add(time.Second + 3500*time.Microsecond)
	evs[2].IngestedAt = t0.Add(time.Second + 3600*time.Microsecond)
	return evs
}

func newReplayServer(t *testing.T) *testServer {
	t.Helper()
	evs := append(replayPizza(), oddFlow()...)
	evs = append(evs, xssFlow()...)
	return newTestServer(t, Options{Store: newFakeStore(evs...)})
}
