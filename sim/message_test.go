package sim

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/eventscope/eventscope/event"
	"github.com/google/go-cmp/cmp"
)

// produced turns a producer message into what a consumer would read.
func produced(t *testing.T, m *sarama.ProducerMessage) (key, value []byte, hs []*sarama.RecordHeader) {
	t.Helper()
	key, err := m.Key.Encode()
	if err != nil {
		t.Fatal(err)
	}
	value, err = m.Value.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Headers {
		hs = append(hs, &m.Headers[i])
	}
	return key, value, hs
}

func TestEncodeDecodeConventions(t *testing.T) {
	at := time.Date(2026, 11, 23, 4, 5, 6, 123456789, time.UTC)
	recordTime := at.Truncate(time.Millisecond)
	e := outEvent{
		ID: "6f1c0a9e-3b1d-4c55-9a0e-1b2c3d4e5f60", Type: TypePizzaPrepared, Topic: TopicKitchen,
		OrderID: "ord-7f3a9c21", CorrelationID: "c0ffee00-0000-4000-8000-000000000001",
		CausationID: "ca05e000-0000-4000-8000-000000000002", Source: ServiceKitchen, Time: at,
		Data: pizzaPrepared{OrderID: "ord-7f3a9c21", KitchenStatus: "prepared", Chef: "Giulia", Oven: 2, Pizzas: 3},
	}
	wantData := `{"orderId":"ord-7f3a9c21","kitchenStatus":"prepared","chef":"Giulia","oven":2,"pizzas":3}`
	tests := []struct {
		name       string
		conv       convention
		convention string // event.Event.Convention the tracer's decoder reports
		wantTime   time.Time
	}{
		{"envelope", convEnvelope, "json-envelope", at},
		{"envelope+headers", convEnvelopeHeaders, "headers", at},
		{"cloudevents binary", convCEBinary, "cloudevents-binary", at},
		{"plain headers", convHeaders, "headers", recordTime},
		{"cloudevents structured", convCEStructured, "cloudevents-structured", at},
	}
	dec := event.NewDecoder(event.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := encode(e, tt.conv)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			key, value, hs := produced(t, m)
			got, err := decode(key, value, hs, recordTime)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := inEvent{
				ID: e.ID, Type: e.Type, CorrelationID: e.CorrelationID, CausationID: e.CausationID,
				Source: e.Source, Time: tt.wantTime, OrderID: e.OrderID, Data: json.RawMessage(wantData),
			}
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b json.RawMessage) bool { return string(a) == string(b) })); diff != "" {
				t.Errorf("decode (-want +got):\n%s", diff)
			}

			// The tracer's own decoder reads the same IDs.
			rec := event.Record{Topic: m.Topic, Key: key, Value: value, Timestamp: recordTime}
			for _, h := range hs {
				rec.Headers = append(rec.Headers, event.Header{Key: string(h.Key), Value: string(h.Value)})
			}
			ev := dec.Decode(rec, at)
			gotEv := [6]string{ev.EventID, ev.CorrelationID, ev.CausationID, ev.Type, ev.Source, ev.Time.Format(time.RFC3339Nano)}
			wantEv := [6]string{e.ID, e.CorrelationID, e.CausationID, e.Type, e.Source, tt.wantTime.Format(time.RFC3339Nano)}
			if gotEv != wantEv {
				t.Errorf("event.Decode = %v, want %v", gotEv, wantEv)
			}
			if ev.DecodeError != "" {
				t.Errorf("event.Decode error: %s", ev.DecodeError)
			}
			if ev.Convention != tt.convention {
				t.Logf("event.Decode convention %q, expected %q", ev.Convention, tt.convention)
			}
		})
	}
}

func TestEnvelopeShape(t *testing.T) {
	at := time.Date(2026, 11, 23, 4, 5, 6, 0, time.UTC)
	m, err := encode(outEvent{
		ID: "e1", Type: TypeOrderPlaced, Topic: TopicOrders, OrderID: "ord-1", CorrelationID: "c1",
		Source: ServiceOrder, Time: at, Data: orderCancelled{OrderID: "ord-1", Status: "cancelled", CancelReason: "x"},
	}, convEnvelope)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := m.Value.Encode()
	want := `{"metadata":{"eventId":"e1","eventType":"OrderPlaced","eventVersion":"1","correlationId":"c1",` +
		`"producer":"order-service","timestamp":"2026-11-23T04:05:06Z"},` +
		`"data":{"orderId":"ord-1","status":"cancelled","cancelReason":"x"}}`
	if string(v) != want {
		t.Errorf("value\n got %s\nwant %s", v, want)
	}
	if !m.Timestamp.Equal(at) {
		t.Errorf("record timestamp %v, want %v", m.Timestamp, at)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		headers map[string]string
	}{
		{"no ids", `{"orderId":"ord-1"}`, nil},
		{"bad structured cloudevent", `{`, map[string]string{"content-type": contentCE}},
		{"bad time", `{"metadata":{"eventId":"e1","timestamp":"yesterday"},"data":{}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hs []*sarama.RecordHeader
			for k, v := range tt.headers {
				hs = append(hs, &sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
			}
			if _, err := decode([]byte("ord-1"), []byte(tt.value), hs, time.Now()); err == nil {
				t.Errorf("decode(%s) = nil error, want one", tt.value)
			}
		})
	}
}

func TestNewUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewUUID()
		if !re.MatchString(id) {
			t.Fatalf("NewUUID() = %q, not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("NewUUID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestFormatUUID(t *testing.T) {
	var b [16]byte
	for i := range b {
		b[i] = byte(0xf0 + i%16)
	}
	if got, want := FormatUUID(b), "f0f1f2f3-f4f5-46f7-b8f9-fafbfcfdfeff"; got != want {
		t.Errorf("FormatUUID = %q, want %q (version 4, RFC 4122 variant)", got, want)
	}
	if a, c := NewUUID(), NewUUID(); a == c || len(a) != 36 || a[14] != '4' {
		t.Errorf("NewUUID gave %q and %q: want two different version 4 UUIDs", a, c)
	}
}
