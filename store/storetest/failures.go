package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// runFailures checks store.Failures: failed and dead-lettered records only
// (by type, payload field and dead-letter topic, with their reasons), once
// each though written twice, newest first, internal records left out, the
// time, service, topic and limit filters, and each record's flow status,
// also after a write changed it.
func runFailures(t *testing.T, o Opener, lacks []Capability) {
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	ev := func(topic string, off int64, id, flow, cause, typ, source string, at int, payload string) event.Event {
		e := MakeEvent(topic, 0, off, id, flow, cause, sec(at))
		e.Type, e.Source = typ, source
		if payload != "" {
			e.Payload = []byte(payload)
		}
		return e
	}
	internal := ev("orders.DLT", 9, "int-1", "f9", "", "OrderPlaced", "ops", 9, "")
	internal.Internal = true
	batch := []event.Event{
		ev("orders", 0, "a1", "f1", "", "OrderPlaced", "web", 0, ""),
		ev("payments", 0, "a2", "f1", "a1", "PaymentDeclined", "billing", 1, `{"reason":"card 4242 declined"}`),
		ev("orders", 1, "b1", "f2", "", "OrderPlaced", "web", 2, ""),
		ev("orders.DLT", 0, "b1", "f2", "", "OrderPlaced", "kitchen", 3, `{"error":"no stock for \"tofu\""}`),
		ev("stock", 0, "c1", "f3", "", "StockChecked", "kitchen", 4, `{"error":"timeout after 30s"}`),
		internal,
	}
	rec := func(e event.Event, reason string, dl bool, status string) store.FailedRecord {
		return store.FailedRecord{Coord: store.Coord{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset},
			EventID: e.EventID, FlowID: e.FlowID(), Type: e.Type, Source: e.Source, Reason: reason, DeadLetter: dl,
			Time: e.Time, KafkaTime: e.KafkaTime, FlowStatus: status}
	}
	all := []store.FailedRecord{
		rec(batch[4], "timeout after 30s", false, "failed"),
		rec(batch[3], `no stock for "tofu"`, true, "failed"),
		rec(batch[1], "card 4242 declined", false, "failed"),
	}
	s := o.with(t, batch, batch[3:])
	fs := capable[store.Failures](t, s, Failures, lacks)
	for _, c := range []struct {
		name string
		q    store.FailureQuery
		want []store.FailedRecord
	}{
		{"all", store.FailureQuery{}, all},
		{"window", store.FailureQuery{From: sec(1), To: sec(4)}, all[1:]},
		{"service", store.FailureQuery{Service: "kitchen"}, all[:2]},
		{"topic", store.FailureQuery{Topic: "payments"}, all[2:]},
		{"limit", store.FailureQuery{Limit: 2}, all[:2]},
		{"none", store.FailureQuery{Service: "nobody"}, []store.FailedRecord{}},
	} {
		got, err := fs.FailedRecords(t.Context(), c.q)
		if err != nil {
			t.Fatalf("%s: FailedRecords: %v", c.name, err)
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s: FailedRecords(%+v) -want +got:\n%s", c.name, c.q, d)
		}
	}
	// A later compensation changes the flow's status: a status read earlier
	// (and memoised by a store) must not hide it.
	comp := ev("orders", 2, "a3", "f1", "a2", "OrderCancelled", "web", 5, "")
	if err := s.Write(t.Context(), []event.Event{comp}); err != nil {
		t.Fatalf("write compensation: %v", err)
	}
	got, err := fs.FailedRecords(t.Context(), store.FailureQuery{Topic: "payments"})
	if err != nil {
		t.Fatalf("FailedRecords after compensation: %v", err)
	}
	if len(got) != 1 || got[0].FlowStatus != "compensated" {
		t.Errorf("after the compensation: %+v, want f1 compensated", got)
	}
}
