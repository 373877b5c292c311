package replay_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/graph/graphtest"
	"github.com/eventscope/eventscope/graph/replay"
)

// benchFlow is graphtest.Flow(n) with JSON envelope payloads of about 300
// bytes like the demo shop's, keyed (Kafka key and data.orderId) by order,
// ingested in batches of 100 so the arrival order differs a little.
func benchFlow(n int) []eventT {
	evs := graphtest.Flow(n, 1)
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
			`","producer":"` + e.Source + `","timestamp":"` + e.Time.Format(time.RFC3339Nano) +
			`"},"data":{"orderId":"` + order + `",` + data + `}}`)
		e.PayloadSize = len(e.Payload)
		e.IngestedAt = graphtest.Start.Add(time.Duration(i/100) * time.Second)
	}
	return evs
}

// BenchmarkSteps1k computes every step of a 1k-event flow (target < 100 ms).
func BenchmarkSteps1k(b *testing.B) {
	evs := benchFlow(1000)
	for _, bc := range []struct {
		name string
		opts replay.Options
	}{
		{"time/kafka-key", replay.Options{}},
		{"arrival/data.orderId", replay.Options{Order: replay.ByArrival, EntityKey: "data.orderId"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				replay.Steps(evs, bc.opts)
			}
		})
	}
}

// BenchmarkStepView is what one frame needs beyond Steps: the state of
// every entity and the visible anomalies at the middle step.
func BenchmarkStepView1k(b *testing.B) {
	steps := replay.Steps(benchFlow(1000), replay.Options{})
	b.ReportAllocs()
	for b.Loop() {
		replay.State(steps, 500)
		replay.Visible(steps, 500)
	}
}

func TestBenchFlowFolds(t *testing.T) {
	steps := replay.Steps(benchFlow(1000), replay.Options{EntityKey: "data.orderId"})
	entities := map[string]bool{}
	for _, s := range steps {
		if s.Skipped || (s.Note != "" && s.Event.Type != "BatchImported") {
			t.Fatalf("step %d (%s) skipped %v: %s", s.Index, s.Event.Type, s.Skipped, s.Note)
		}
		entities[s.Entity] = true
	}
	if len(entities) < 40 {
		t.Errorf("%d entities, want one per order", len(entities))
	}
}
