package schema

import (
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// TestEventDecoderReadsInsidePayloads: the IDs of an Avro or Protobuf
// payload come out by the JSON-envelope conventions, the key too.
func TestEventDecoderReadsInsidePayloads(t *testing.T) {
	_, reg := newFakeRegistry(t)
	dec := event.NewDecoder(event.Config{Schemas: NewDecoder(reg, Options{})})
	e := dec.Decode(event.Record{Topic: "orders", Offset: 4, Key: frame(4, nil, []byte(`"order-7"`)),
		Value: frame(2, nil, avroOrderBytes(t, "order-7")), Timestamp: time.Unix(1, 0)}, time.Unix(2, 0))
	if e.EventID != "evt-1" || e.CorrelationID != "order-7" || e.CausationID != "evt-0" || e.Key != "order-7" {
		t.Errorf("ids: event %q correlation %q causation %q key %q", e.EventID, e.CorrelationID, e.CausationID, e.Key)
	}
	if e.ContentType != "application/json; schema=avro; schema-id=2; subject=orders-value; version=3" || e.SchemaID != 2 {
		t.Errorf("content type %q schema id %d", e.ContentType, e.SchemaID)
	}
	if e.PayloadEncoding() != event.EncodingJSON || e.PayloadRaw[0] != 0 || e.DecodeError != "" {
		t.Errorf("payload %s raw %x note %q", e.Payload, e.PayloadRaw, e.DecodeError)
	}
	if p := event.SchemaParams(e.ContentType); p["subject"] != "orders-value" || p["schema"] != "avro" {
		t.Errorf("params %v", p)
	}
	p := dec.Decode(event.Record{Topic: "payments", Value: frame(3, []byte{2, 2}, protoPayment(t, "order-7"))}, time.Unix(2, 0))
	if p.EventID != "evt-2" || p.CorrelationID != "order-7" || p.CausationID != "evt-1" {
		t.Errorf("protobuf ids: %q %q %q (%s)", p.EventID, p.CorrelationID, p.CausationID, p.Payload)
	}
}

// TestRedecodeOnRead: a record stored while the registry was down keeps
// its bytes and a note, and decodes on read once the registry answers.
func TestRedecodeOnRead(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	now := time.Unix(1000, 0)
	dec := event.NewDecoder(event.Config{Schemas: NewDecoder(reg, Options{Now: func() time.Time { return now }})})
	raw := frame(2, nil, avroOrderBytes(t, "order-8"))
	fake.down.Store(true)
	e := dec.Decode(event.Record{Topic: "orders", Value: raw}, time.Unix(2, 0))
	if string(e.Payload) != string(raw) || !strings.HasPrefix(e.DecodeError, "schema 2: ") || !event.NeedsSchema(&e) {
		t.Fatalf("stored while down: payload %x note %q", e.Payload, e.DecodeError)
	}
	if _, ok := dec.Redecode(e); ok {
		t.Error("redecoded while the registry is down")
	}
	fake.down.Store(false)
	now = now.Add(time.Minute)
	n, ok := dec.Redecode(e)
	if !ok || n.DecodeError != "" || !strings.Contains(string(n.Payload), `"correlationId":"order-8"`) || string(n.PayloadRaw) != string(raw) {
		t.Errorf("on read: ok %v payload %s note %q", ok, n.Payload, n.DecodeError)
	}
	if n.EventID != e.EventID || n.CorrelationID != e.CorrelationID {
		t.Errorf("redecode changed the indexed IDs: %q %q", n.EventID, n.CorrelationID)
	}
}

// TestReindexAndNotes: a record stored while the registry was down waits
// for its schema (its note first among others, WaitingSchema names the
// ID); Reindex decodes it with the IDs from the payload once the registry
// answers. A JSON Schema payload that does not fit its schema is stored
// decoded with a note that does not wait; so is one over the payload cap.
func TestReindexAndNotes(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	now := time.Unix(1000, 0)
	dec := event.NewDecoder(event.Config{PayloadCap: 64, Schemas: NewDecoder(reg, Options{Now: func() time.Time { return now }})})
	raw := frame(2, nil, avroOrderBytes(t, "order-9"))
	fake.down.Store(true)
	e := dec.Decode(event.Record{Topic: "orders", Offset: 3, Key: []byte("k-9"), Value: raw,
		Headers: []event.Header{{Key: "ce_time", Value: "not a time"}}}, time.Unix(2, 0))
	if id, ok := event.WaitingSchema(e.DecodeError); !ok || id != 2 || e.FlowID() != "key:k-9" {
		t.Fatalf("stored while down: note %q (waiting %d %v), flow %s", e.DecodeError, id, ok, e.FlowID())
	}
	if _, ok := dec.Reindex(e, time.Unix(3, 0)); ok {
		t.Error("reindexed while the registry is down")
	}
	fake.down.Store(false)
	now = now.Add(time.Minute)
	n, ok := dec.Reindex(e, time.Unix(3, 0))
	if !ok || n.CorrelationID != "order-9" || n.EventID != "evt-1" || n.Offset != 3 || n.Key != "k-9" || !n.IngestedAt.Equal(time.Unix(3, 0)) {
		t.Errorf("reindexed: ok %v %+v", ok, n)
	}
	if _, ok := event.WaitingSchema(n.DecodeError); ok {
		t.Errorf("still waiting after reindex: %q", n.DecodeError)
	}

	bad := dec.Decode(event.Record{Topic: "refunds", Value: frame(6, nil, []byte(`{"eventId":"r","correlationId":"o","amount":{}}`))}, time.Unix(2, 0))
	if bad.CorrelationID != "o" || !strings.HasPrefix(bad.DecodeError, "payload does not fit schema 6: ") || event.NeedsSchema(&bad) {
		t.Errorf("invalid JSON Schema payload: correlation %q note %q", bad.CorrelationID, bad.DecodeError)
	}
	if _, ok := event.WaitingSchema("schema 12 (why): x"); ok {
		t.Error("a note that stopped waiting still waits")
	}
	fake.down.Store(true)
	now = now.Add(time.Hour)
	big := dec.Decode(event.Record{Topic: "payments", Value: frame(3, []byte{0}, protoPayment(t, strings.Repeat("x", 100)))}, time.Unix(2, 0))
	if _, ok := event.WaitingSchema(big.DecodeError); ok || !big.Truncated || !strings.HasPrefix(big.DecodeError, "schema 3 (") {
		t.Errorf("a cut payload waits for its schema: truncated %v note %q", big.Truncated, big.DecodeError)
	}
}
