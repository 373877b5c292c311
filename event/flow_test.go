package event

import (
	"encoding/binary"
	"testing"
	"time"
)

// TestOneFlowFiveConventions decodes one business flow whose services use
// five different conventions on three topics, and checks that the events
// share one correlation ID and that their causation IDs link them into one
// tree rooted at the first event. (The end-to-end version through Kafka and
// a store belongs to ingest.)
func TestOneFlowFiveConventions(t *testing.T) {
	const flow = "flow-pizza-42"
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	axonTS := make([]byte, 8)
	binary.BigEndian.PutUint64(axonTS, uint64(t0.Add(3*time.Second).UnixMilli()))
	records := []Record{
		{ // orders service: CloudEvents binary mode with the correlation extension
			Topic: "orders", Offset: 1, Timestamp: t0,
			Headers: []Header{
				{Key: "ce_specversion", Value: "1.0"}, {Key: "ce_id", Value: "evt-order"},
				{Key: "ce_type", Value: "OrderPlaced"}, {Key: "ce_source", Value: "/orders"},
				{Key: "ce_correlationid", Value: flow}, {Key: "content-type", Value: "application/json"},
			},
			Value: []byte(`{"orderId":"42"}`),
		},
		{ // payment service: NServiceBus
			Topic: "payments", Offset: 7, Timestamp: t0.Add(time.Second),
			Headers: []Header{
				{Key: "NServiceBus.MessageId", Value: "evt-pay"},
				{Key: "NServiceBus.ConversationId", Value: flow},
				{Key: "NServiceBus.RelatedTo", Value: "evt-order"},
				{Key: "NServiceBus.EnclosedMessageTypes", Value: "Shop.PaymentCaptured, Shop"},
				{Key: "NServiceBus.OriginatingEndpoint", Value: "payments"},
			},
			Value: []byte(`{"amount":12.5}`),
		},
		{ // kitchen service: Axon's Kafka extension
			Topic: "kitchen", Offset: 3, Timestamp: t0.Add(3 * time.Second),
			Headers: []Header{
				{Key: "axon-message-id", Value: "evt-bake"},
				{Key: "axon-message-type", Value: "shop.PizzaBaked"},
				{Key: "axon-message-timestamp", Value: string(axonTS)},
				{Key: "axon-metadata-traceId", Value: flow},
				{Key: "axon-metadata-correlationId", Value: "evt-pay"},
			},
		},
		{ // order tracker: MassTransit envelope (MassTransit has no causation
			// ID: initiatorId is the consumed message's correlationId, so
			// the tracker names its cause in a plain header)
			Topic: "orders", Offset: 2, Timestamp: t0.Add(4 * time.Second),
			Headers: []Header{{Key: "Content-Type", Value: "application/vnd.masstransit+json"}, {Key: "causation-id", Value: "evt-bake"}},
			Value: []byte(`{"messageId":"evt-ready","conversationId":"` + flow + `","initiatorId":"` + flow + `",` +
				`"sourceAddress":"kafka://tracker","messageType":["urn:message:Shop:OrderReady"],"message":{"orderId":"42"}}`),
		},
		{ // delivery service: snake_case JSON envelope under metadata
			Topic: "kitchen", Offset: 4, Timestamp: t0.Add(6 * time.Second),
			Value: []byte(`{"metadata":{"event_id":"evt-deliver","event_type":"DeliveryStarted","correlation_id":"` + flow +
				`","causation_id":"evt-ready","producer":"delivery"},"data":{"driver":"Sam"}}`),
		},
	}
	wantConv := []string{"cloudevents-binary", "nservicebus", "axon", "masstransit+headers", "json-envelope"}

	d := NewDecoder(Config{})
	byID := map[string]Event{}
	topics := map[string]bool{}
	var events []Event
	for i, r := range records {
		e := d.Decode(r, t0.Add(time.Minute))
		if e.Convention != wantConv[i] {
			t.Errorf("record %d: convention %q, want %q", i, e.Convention, wantConv[i])
		}
		if e.FlowID() != flow {
			t.Errorf("record %d (%s): flow %q, want %q", i, e.Convention, e.FlowID(), flow)
		}
		if e.IDSource == IDSourceDerived || e.DecodeError != "" {
			t.Errorf("record %d: id source %q, decode error %q", i, e.IDSource, e.DecodeError)
		}
		byID[e.EventID] = e
		topics[e.Topic] = true
		events = append(events, e)
	}
	if len(topics) != 3 || len(byID) != len(records) {
		t.Fatalf("%d topics, %d distinct event IDs", len(topics), len(byID))
	}
	// Every effect names a cause in the flow; exactly one root; following
	// causes from any event reaches the root.
	roots := 0
	for _, e := range events {
		if e.CausationID == "" {
			roots++
			continue
		}
		cause, ok := byID[e.CausationID]
		if !ok {
			t.Errorf("%s: cause %q is not in the flow", e.EventID, e.CausationID)
			continue
		}
		if !cause.Time.Before(e.Time) {
			t.Errorf("%s at %v is not after its cause %s at %v", e.EventID, e.Time, cause.EventID, cause.Time)
		}
	}
	if roots != 1 {
		t.Errorf("%d roots, want 1", roots)
	}
	e, hops := byID["evt-deliver"], 0
	for e.CausationID != "" && hops < len(events) {
		e, hops = byID[e.CausationID], hops+1
	}
	if e.EventID != "evt-order" || hops != 4 {
		t.Errorf("chain from evt-deliver ends at %q after %d hops, want evt-order after 4", e.EventID, hops)
	}
}

// TestAxonRootWithoutTraceID: an Axon event published outside a handler
// has no traceId; Axon defines the trace as its own identifier, so it is
// in the flow its descendants name (not a flow of its own).
func TestAxonRootWithoutTraceID(t *testing.T) {
	d := NewDecoder(Config{})
	root := d.Decode(Record{Topic: "orders", Headers: []Header{{Key: "axon-message-id", Value: "m-1"},
		{Key: "axon-message-type", Value: "OrderPlaced"}}, Value: []byte(`{}`)}, time.Now())
	child := d.Decode(Record{Topic: "orders", Offset: 1, Headers: []Header{{Key: "axon-message-id", Value: "m-2"},
		{Key: "axon-metadata-traceId", Value: "m-1"}, {Key: "axon-metadata-correlationId", Value: "m-1"}}, Value: []byte(`{}`)}, time.Now())
	if root.FlowID() != "m-1" || child.FlowID() != "m-1" || child.CausationID != "m-1" {
		t.Errorf("root flow %q, child flow %q cause %q; want both in m-1, caused by m-1", root.FlowID(), child.FlowID(), child.CausationID)
	}
}
