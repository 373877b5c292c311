package event

import (
	"testing"
	"time"
)

// The two records of docs/PERFORMANCE.md "Decoding": run with
//
//	go test ./event -run '^$' -bench . -benchmem -cpu 1

// benchEnvelope is a 300-byte JSON envelope with its IDs under metadata.
var benchEnvelope = []byte(`{"metadata":{"eventId":"8f14e45f-ceea-467f-a0e6-3f1d4bb2f1a2","eventType":"OrderPlaced",` +
	`"eventVersion":"2","correlationId":"c9f0f895-fb98-4b91-9f4e-2a6c1e5d7b33","causationId":"45c48cce-2e2d-4fbd-aab2-3f1d4bb2f1a1",` +
	`"producer":"orders","timestamp":"2024-05-01T12:00:00.123Z"},"data":{"total":1999000}}`)

func BenchmarkDecodeJSONEnvelope(b *testing.B) {
	if len(benchEnvelope) != 300 {
		b.Fatalf("envelope is %d bytes, want 300", len(benchEnvelope))
	}
	benchDecode(b, Record{Topic: "orders", Partition: 3, Offset: 1234567, Key: []byte("o-42"),
		Timestamp: time.Unix(1714564800, 0), Value: benchEnvelope})
}

func BenchmarkDecodeCloudEventsBinary(b *testing.B) {
	benchDecode(b, Record{Topic: "orders", Partition: 3, Offset: 1234567, Key: []byte("o-42"),
		Timestamp: time.Unix(1714564800, 0),
		Headers: []Header{
			{Key: "ce_specversion", Value: "1.0"},
			{Key: "ce_id", Value: "8f14e45f-ceea-467f-a0e6-3f1d4bb2f1a2"},
			{Key: "ce_type", Value: "com.example.order.placed"},
			{Key: "ce_source", Value: "/orders"},
			{Key: "ce_time", Value: "2024-05-01T12:00:00.123Z"},
			{Key: "ce_correlationid", Value: "c9f0f895-fb98-4b91-9f4e-2a6c1e5d7b33"},
			{Key: "ce_causationid", Value: "45c48cce-2e2d-4fbd-aab2-3f1d4bb2f1a1"},
			{Key: "ce_traceparent", Value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
			{Key: "content-type", Value: "application/json"},
		},
		Value: []byte(`{"orderId":"o-42","customer":"c-7","total":1999,"items":3}`)})
}

func benchDecode(b *testing.B, r Record) {
	d := NewDecoder(Config{})
	now := time.Now()
	e := d.Decode(r, now)
	if e.IDSource == IDSourceDerived || e.CorrelationID == "" || e.CausationID == "" {
		b.Fatalf("record not decoded: %+v", e)
	}
	b.SetBytes(int64(len(r.Value)))
	b.ReportAllocs()
	for b.Loop() {
		e = d.Decode(r, now)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
