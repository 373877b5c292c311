package ingest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
)

// TestIngestPoisonRecords produces records that break naive consumers and
// checks that each is stored as well as it can be and ingest goes on.
func TestIngestPoisonRecords(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	topic := base + "-poison"
	c.createTopic(t, topic, 1, map[string]string{"max.message.bytes": fmt.Sprint(16 << 20)})

	big := bytes.Repeat([]byte("0123456789abcdef"), 10<<20/16) // 10 MiB
	manyHeaders := make([]sarama.RecordHeader, 3000)
	for i := range manyHeaders {
		manyHeaders[i] = sarama.RecordHeader{Key: []byte(fmt.Sprintf("h%d", i)), Value: []byte(fmt.Sprint(i))}
	}
	dupHeaders := []sarama.RecordHeader{
		{Key: []byte("correlation-id"), Value: []byte("c-1")},
		{Key: []byte("x"), Value: []byte("a")},
		{Key: []byte("correlation-id"), Value: []byte("c-2")},
		{Key: []byte("x"), Value: []byte{0xff, 0xfe}},
	}
	invalid := []byte{'{', 0xff, 0xfe, '"', 0xc3, 0x28}
	tests := []struct {
		name    string
		key     []byte
		value   []byte
		headers []sarama.RecordHeader
		check   func(t *testing.T, e event.Event)
	}{
		{name: "empty value", key: []byte("k-empty"), value: []byte{}, check: func(t *testing.T, e event.Event) {
			if len(e.Payload) != 0 || e.PayloadSize != 0 || e.Key != "k-empty" {
				t.Errorf("payload %q size %d key %q", e.Payload, e.PayloadSize, e.Key)
			}
		}},
		{name: "tombstone", key: []byte("k-tomb"), value: nil, check: func(t *testing.T, e event.Event) {
			if e.Payload != nil || e.PayloadSize != 0 {
				t.Errorf("tombstone payload %q (nil: %v), size %d; want nil", e.Payload, e.Payload == nil, e.PayloadSize)
			}
		}},
		{name: "10 MiB value", value: big, check: func(t *testing.T, e event.Event) {
			if e.PayloadSize != len(big) || !e.Truncated || len(e.Payload) != event.DefaultPayloadCap ||
				!bytes.Equal(e.Payload, big[:event.DefaultPayloadCap]) {
				t.Errorf("size %d truncated %v kept %d; want size %d truncated to %d",
					e.PayloadSize, e.Truncated, len(e.Payload), len(big), event.DefaultPayloadCap)
			}
		}},
		{name: "invalid UTF-8", key: []byte{0xc3, 0x28}, value: invalid, check: func(t *testing.T, e event.Event) {
			// The payload keeps the bytes; the key, an ID, is stored in the
			// decoder's canonical form (invalid UTF-8 bytes as \xNN, issue 17).
			if !bytes.Equal(e.Payload, invalid) || e.Key != event.CanonicalID(string([]byte{0xc3, 0x28})) || e.Key != `\xc3(` {
				t.Errorf("payload %q key %q; want the payload bytes as produced and the key as \\xc3(", e.Payload, e.Key)
			}
			if e.DecodeError == "" {
				t.Errorf("no decode error noted for a broken JSON value")
			}
		}},
		{name: "3000 headers", value: []byte("x"), headers: manyHeaders, check: func(t *testing.T, e event.Event) {
			if len(e.Headers) != len(manyHeaders) || e.Headers[2999] != (event.Header{Key: "h2999", Value: "2999"}) {
				t.Errorf("%d headers, want %d in order", len(e.Headers), len(manyHeaders))
			}
		}},
		{name: "duplicate header names", value: []byte(`{"eventId":"e-dup"}`), headers: dupHeaders, check: func(t *testing.T, e event.Event) {
			want := []event.Header{
				{Key: "correlation-id", Value: "c-1"}, {Key: "x", Value: "a"},
				{Key: "correlation-id", Value: "c-2"}, {Key: "x", Value: "\xff\xfe"},
			}
			if diff := cmp.Diff(want, e.Headers); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			if e.CorrelationID != "c-1" || e.EventID != "e-dup" {
				t.Errorf("correlation %q event %q; want c-1 (first header) and e-dup", e.CorrelationID, e.EventID)
			}
		}},
		{name: "no ID at all", value: []byte("plain text"), check: func(t *testing.T, e event.Event) {
			if e.IDSource != event.IDSourceDerived || e.EventID != event.Coordinates(e.Topic, e.Partition, e.Offset) {
				t.Errorf("event ID %q (%s); want the derived coordinates", e.EventID, e.IDSource)
			}
		}},
		{name: "normal record after the poison", value: []byte(`{"eventId":"e-ok","correlationId":"c-ok"}`), check: func(t *testing.T, e event.Event) {
			if e.EventID != "e-ok" || e.CorrelationID != "c-ok" {
				t.Errorf("event %q correlation %q", e.EventID, e.CorrelationID)
			}
		}},
	}
	msgs := make([]*sarama.ProducerMessage, len(tests))
	for i, tt := range tests {
		msgs[i] = &sarama.ProducerMessage{Topic: topic, Headers: tt.headers}
		if tt.key != nil {
			msgs[i].Key = sarama.ByteEncoder(tt.key)
		}
		if tt.value != nil {
			msgs[i].Value = sarama.ByteEncoder(tt.value)
		}
	}
	var want []coord
	for _, m := range msgs { // one by one: the 10 MiB record fills a request alone
		want = append(want, c.produce(t, []*sarama.ProducerMessage{m})...)
	}

	w := newMemStore()
	r := start(t, testConfig(c.addrs, group, base), w)
	eventually(t, 30*time.Second, "every poison record stored", func() bool { return w.count() == len(want) })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := w.get(want[i])
			if !ok {
				t.Fatalf("record %v not stored", want[i])
			}
			tt.check(t, e)
		})
	}
	c.checkCommitted(t, group, topic)
}
