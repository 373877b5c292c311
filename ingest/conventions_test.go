package ingest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/internal/kafkatest"
)

// convRecord is one record of the five-convention flow and what decoding
// it must give.
type convRecord struct {
	msg *sarama.ProducerMessage
	// want: the decoded fields (Topic is the full topic name).
	id, cause, typ, source, convention, topic string
	time                                      time.Time
}

// TestOneFlowFiveConventionsThroughKafka is issue 3's end-to-end check: one
// pizza order whose services use five ID conventions (CloudEvents structured
// and binary with the correlation extension, NServiceBus headers, a
// MassTransit envelope, a JSON envelope under "metadata") on three topics is
// produced to Kafka, ingested with the real decoder, and joined into one
// causal tree: OrderPlaced → {PaymentProcessed, PizzaBaked},
// PizzaBaked → OrderReady → DeliveryScheduled.
func TestOneFlowFiveConventionsThroughKafka(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "conv")
	orders, payments, kitchen := base+"-orders", base+"-payments", base+"-kitchen"
	for _, tp := range []string{orders, payments, kitchen} {
		c.createTopic(t, tp, 3, nil)
	}
	// Times relative to now: a real broker's retention would drop records
	// stamped years ago.
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	recs := fiveConventionRecords(orders, payments, kitchen, t0)
	msgs := make([]*sarama.ProducerMessage, len(recs))
	for i, r := range recs {
		msgs[i] = r.msg
	}
	c.produce(t, msgs)

	w := newMemStore()
	r := start(t, testConfig(c.addrs, kafkatest.Name(t, "grp"), base), w)
	eventually(t, 30*time.Second, "all five records stored", func() bool { return w.count() == len(recs) })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}

	// The flow as the store would return it: its events in event time,
	// then coordinates.
	var events []event.Event
	for _, m := range msgs {
		e, ok := w.get(coord{m.Topic, m.Partition, m.Offset})
		if !ok {
			t.Fatalf("record %s/%d/%d not stored", m.Topic, m.Partition, m.Offset)
		}
		events = append(events, e)
	}
	slices.SortFunc(events, func(a, b event.Event) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Topic, b.Topic),
			cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
	})

	checkDecoded(t, events, recs)
	checkOneTree(t, graph.Build(events, graph.Options{}), recs[0].id)
}

// checkDecoded compares each stored event with what its convention says.
func checkDecoded(t *testing.T, events []event.Event, recs []convRecord) {
	t.Helper()
	const flow = conversationID
	byID := map[string]event.Event{}
	topics := map[string]bool{}
	for _, e := range events {
		if e.FlowID() != flow {
			t.Errorf("%s (%s): flow %q, want %q", e.EventID, e.Convention, e.FlowID(), flow)
		}
		if e.IDSource != "" || e.DecodeError != "" {
			t.Errorf("%s: id source %q, decode error %q", e.EventID, e.IDSource, e.DecodeError)
		}
		byID[e.EventID] = e
		topics[e.Topic] = true
	}
	if len(byID) != len(recs) || len(topics) != 3 {
		t.Fatalf("%d distinct event IDs on %d topics, want %d on 3", len(byID), len(topics), len(recs))
	}
	for _, r := range recs {
		e, ok := byID[r.id]
		if !ok {
			t.Errorf("no event %s (%s)", r.id, r.convention)
			continue
		}
		got := [...]string{e.Convention, e.Type, e.Source, e.CausationID, e.Topic}
		want := [...]string{r.convention, r.typ, r.source, r.cause, r.topic}
		if got != want {
			t.Errorf("%s: convention, type, source, cause, topic = %q, want %q", r.id, got, want)
		}
		if !e.Time.Equal(r.time) {
			t.Errorf("%s (%s): time %v, want %v from its convention", r.id, r.convention, e.Time, r.time)
		}
	}
}

// checkOneTree asserts that f is one tree of 5 events and 4 edges rooted at
// root, with the fan-out at the root and no anomaly of any kind.
func checkOneTree(t *testing.T, f *graph.Flow, root string) {
	t.Helper()
	for _, a := range f.Anomalies {
		t.Errorf("anomaly %s on %v: %s", a.Kind, a.EventIDs, a.Detail)
	}
	if len(f.Vertices) != 5 || len(f.Edges) != 4 {
		t.Fatalf("graph has %d vertices and %d edges, want 5 and 4: edges %+v", len(f.Vertices), len(f.Edges), f.Edges)
	}
	var roots []string
	for _, v := range f.Vertices {
		if len(v.In) == 0 {
			roots = append(roots, v.ID)
		}
		if v.Missing {
			t.Errorf("%s: cause %q missing from the flow", v.ID, v.CauseID)
		}
	}
	if len(roots) != 1 || roots[0] != root {
		t.Fatalf("roots %q, want [%q]", roots, root)
	}
	// Every vertex is reached from the root exactly once (a tree).
	seen := map[int]int{}
	queue := []int{f.VertexOf[0]}
	if f.Vertices[queue[0]].ID != root {
		t.Fatalf("first event %s is not the root %s", f.Vertices[queue[0]].ID, root)
	}
	seen[queue[0]]++
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, k := range f.Vertices[v].Out {
			to := f.Edges[k].ToV
			if seen[to]++; seen[to] == 1 {
				queue = append(queue, to)
			}
		}
	}
	if len(seen) != len(f.Vertices) {
		t.Errorf("%d of %d events reachable from the root", len(seen), len(f.Vertices))
	}
	for v, n := range seen {
		if n != 1 {
			t.Errorf("%s reached %d times from the root", f.Vertices[v].ID, n)
		}
	}
	edges := map[string]bool{}
	for _, e := range f.Edges {
		edges[e.From+" → "+e.To] = true
		if e.LatencyMS <= 0 {
			t.Errorf("edge %s → %s: latency %v ms, want > 0", e.From, e.To, e.LatencyMS)
		}
	}
	for _, want := range []string{
		orderID + " → " + paymentID, orderID + " → " + bakedID,
		bakedID + " → " + readyID, readyID + " → " + deliveryID,
	} {
		if !edges[want] {
			t.Errorf("no edge %s; edges %v", want, edges)
		}
	}
	if d := f.Vertices[f.VertexOf[len(f.Events)-1]].Depth; d != 3 {
		t.Errorf("last event %s at depth %d, want 3", f.Events[len(f.Events)-1].EventID, d)
	}
}

// IDs of the flow, shaped as each convention shapes them: CloudEvents
// leaves IDs free-form (the correlation extension's example 1 uses these),
// NServiceBus and MassTransit use GUIDs (MassTransit's NewId layout), and a
// conversation ID every convention can carry.
const (
	conversationID = "2d55209a-f4fb-4984-84cf-b33b000c1b4b"
	orderID        = "order-123"
	paymentID      = "payment-789"
	bakedID        = "5fb721f2-d442-4a21-86b1-b33b000c1b4b"
	readyID        = "181c0000-6393-3630-36a4-08daf4e7c6da"
	deliveryID     = "evt-delivery-1"
)

// fiveConventionRecords builds the flow's records, in the shapes of the
// golden vectors in event/testdata/vectors, one second apart from t0.
func fiveConventionRecords(orders, payments, kitchen string, t0 time.Time) []convRecord {
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	h := func(kv ...string) []sarama.RecordHeader {
		var out []sarama.RecordHeader
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, sarama.RecordHeader{Key: []byte(kv[i]), Value: []byte(kv[i+1])})
		}
		return out
	}
	msg := func(topic string, part int32, s int, hdrs []sarama.RecordHeader, value string) *sarama.ProducerMessage {
		return &sarama.ProducerMessage{Topic: topic, Partition: part, Key: sarama.StringEncoder("123"),
			Timestamp: at(s), Headers: hdrs, Value: sarama.StringEncoder(value)}
	}
	// NServiceBus.TimeSent wire format: yyyy-MM-dd HH:mm:ss:ffffff Z.
	nsbTime := at(2).Format("2006-01-02 15:04:05") + fmt.Sprintf(":%06d Z", at(2).Nanosecond()/1000)
	return []convRecord{
		{ // orders service: CloudEvents structured mode, correlation extension example 1
			msg: msg(orders, 0, 0, h("content-type", "application/cloudevents+json"), `{"specversion":"1.0",`+
				`"type":"com.example.order.placed","source":"https://example.com/orders","id":"`+orderID+`",`+
				`"time":"`+at(0).Format(time.RFC3339Nano)+`","correlationid":"`+conversationID+`",`+
				`"datacontenttype":"application/json","data":{"orderId":"123","customerId":"456"}}`),
			id: orderID, typ: "com.example.order.placed", source: "https://example.com/orders",
			convention: event.ConventionCloudEventsStructured, topic: orders, time: at(0),
		},
		{ // payment service: CloudEvents binary mode, ce_correlationid + ce_causationid
			msg: msg(payments, 1, 1, h("ce_specversion", "1.0", "ce_type", "com.example.payment.processed",
				"ce_source", "https://example.com/payments", "ce_id", paymentID, "ce_time", at(1).Format(time.RFC3339Nano),
				"ce_correlationid", conversationID, "ce_causationid", orderID, "content-type", "application/json"),
				`{"amount":150.0,"currency":"USD"}`),
			id: paymentID, cause: orderID, typ: "com.example.payment.processed", source: "https://example.com/payments",
			convention: event.ConventionCloudEventsBinary, topic: payments, time: at(1),
		},
		{ // kitchen service (fan-out from the order): NServiceBus headers of a Publish
			msg: msg(kitchen, 2, 2, h(
				"$.diagnostics.originating.hostid", "7f787fc8e0611a3fab8a93c8767f6639",
				"NServiceBus.ContentType", "application/json",
				"NServiceBus.ConversationId", conversationID,
				"NServiceBus.CorrelationId", bakedID,
				"NServiceBus.EnclosedMessageTypes", "Shop.Messages.PizzaBaked, Shop.Messages, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null",
				"NServiceBus.MessageId", bakedID,
				"NServiceBus.MessageIntent", "Publish",
				"NServiceBus.OriginatingEndpoint", "Kitchen",
				"NServiceBus.OriginatingMachine", "MACHINENAME",
				"NServiceBus.RelatedTo", orderID,
				"NServiceBus.ReplyToAddress", "Kitchen",
				"NServiceBus.TimeSent", nsbTime,
				"NServiceBus.Version", "8.2.5"), `{"OrderId":"123","Pizza":"margherita"}`),
			id: bakedID, cause: orderID, typ: "Shop.Messages.PizzaBaked", source: "Kitchen",
			convention: event.ConventionNServiceBus, topic: kitchen, time: at(2),
		},
		{ // order tracker: MassTransit message envelope; MassTransit has no
			// causation ID (initiatorId is the consumed message's
			// correlationId), so the tracker names its cause in a header
			msg: msg(orders, 2, 3, h("Content-Type", "application/vnd.masstransit+json", "causation-id", bakedID), `{"messageId":"`+readyID+`",`+
				`"requestId":null,"correlationId":null,"conversationId":"`+conversationID+`","initiatorId":"`+conversationID+`",`+
				`"sourceAddress":"rabbitmq://localhost/order-tracker","destinationAddress":"rabbitmq://localhost/Shop.Messages:OrderReady",`+
				`"messageType":["urn:message:Shop.Messages:OrderReady"],"message":{"orderId":"123"},"expirationTime":null,`+
				`"sentTime":"`+at(3).Format(time.RFC3339Nano)+`","headers":{},"host":{"machineName":"MyComputer",`+
				`"processName":"dotnet","massTransitVersion":"8.0.10.0"}}`),
			id: readyID, cause: bakedID, typ: "Shop.Messages.OrderReady", source: "rabbitmq://localhost/order-tracker",
			convention: event.ConventionMassTransit + "+headers", topic: orders, time: at(3),
		},
		{ // delivery service: snake_case JSON envelope under "metadata", epoch millis
			msg: msg(kitchen, 0, 4, nil, fmt.Sprintf(`{"metadata":{"event_id":%q,"event_type":"DeliveryScheduled",`+
				`"correlation_id":%q,"causation_id":%q,"producer":"delivery","timestamp":%d},"payload":{"slot":"12:30"}}`,
				deliveryID, conversationID, readyID, at(4).UnixMilli())),
			id: deliveryID, cause: readyID, typ: "DeliveryScheduled", source: "delivery",
			convention: event.ConventionJSONEnvelope, topic: kitchen, time: at(4),
		},
	}
}
