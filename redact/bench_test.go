package redact

import (
	"testing"

	"github.com/eventscope/eventscope/event"
)

var benchPayload = []byte(`{"type":"OrderPlaced","id":"e-1","correlationId":"o-1","data":{"orderId":"o-1","customer":{"name":"Alice","email":"alice@example.com"},"items":[{"sku":"margherita","qty":2,"card":"4111 1111 1111 1111"},{"sku":"cola","qty":1}],"total":23.5,"address":{"street":"Main St 1","city":"Zurich"}}}`)

func benchRedactor(b *testing.B) *Redactor {
	r, err := New(Config{Rules: []Rule{{
		Topics: []string{"orders"},
		Mask:   Fields{Headers: []string{"x-email"}, JSON: []string{"data.customer.email", "data.items[*].card"}},
		Drop:   Fields{JSON: []string{"**.password"}},
	}}}, testSecret)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkApplyMatched redacts a 300-byte order on a topic with rules.
func BenchmarkApplyMatched(b *testing.B) {
	r := benchRedactor(b)
	b.ReportAllocs()
	for b.Loop() {
		e := event.Event{Topic: "orders", Payload: benchPayload, Headers: []event.Header{{Key: "x-email", Value: "a@b.c"}}}
		r.Apply(&e)
	}
}

// BenchmarkApplyUnmatched is the hot path of a topic no rule names.
func BenchmarkApplyUnmatched(b *testing.B) {
	r := benchRedactor(b)
	e := event.Event{Topic: "kitchen", Payload: benchPayload}
	b.ReportAllocs()
	for b.Loop() {
		r.Apply(&e)
	}
}
