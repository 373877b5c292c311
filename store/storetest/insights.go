package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// insT0 starts the insights' windows.
var insT0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// insEvent returns an event of flow corr on topic that arrived at insT0+at
// (Gen times are event and Kafka times alike).
func insEvent(g *Gen, topic, corr, typ string, at time.Duration, payload string) event.Event {
	e := g.Event(topic, corr, fmt.Sprintf("%s-%s-%v", corr, topic, at), "", at)
	e.Type, e.Payload, e.PayloadSize = typ, []byte(payload), len(payload)
	return e
}

// runInsights checks store.Insights: each view over a window, with
// retried batches counted once where the contract says "events".
func runInsights(t *testing.T, o Opener, lacks []Capability) {
	open := func(t *testing.T, batches ...[]event.Event) store.Insights {
		return capable[store.Insights](t, o.with(t, batches...), Insights, lacks)
	}
	t.Run("TopicRates", func(t *testing.T) {
		g := NewGen(insT0)
		first := []event.Event{
			insEvent(g, "orders", "a", "OrderPlaced", -time.Minute, `{}`), // before the window
			insEvent(g, "orders", "a", "OrderPlaced", 10*time.Second, `{}`),
			insEvent(g, "orders", "b", "OrderPlaced", 30*time.Second, `{}`),
			insEvent(g, "payments", "a", "PaymentRequested", 90*time.Second, `{}`),
		}
		second := []event.Event{
			insEvent(g, "orders", "c", "OrderPlaced", 9*time.Minute+59*time.Second, `{}`),
			insEvent(g, "orders", "d", "OrderPlaced", 10*time.Minute, `{}`), // the end is exclusive
		}
		ins := open(t, first, second, first[1:]) // the last: a retried batch
		got, err := ins.TopicRates(t.Context(), insT0, insT0.Add(10*time.Minute), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.TopicSeries{
			{Topic: "orders", Start: insT0, Step: time.Minute, Counts: []int64{2, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
			{Topic: "payments", Start: insT0, Step: time.Minute, Counts: []int64{0, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("TopicRates (-want +got):\n%s", diff)
		}
		empty, err := ins.TopicRates(t.Context(), insT0.Add(time.Hour), insT0.Add(2*time.Hour), time.Minute)
		if err != nil || empty == nil || len(empty) != 0 {
			t.Errorf("TopicRates of an empty window = %v, %v; want [] and no error", empty, err)
		}
	})
	t.Run("SlowestFlows", func(t *testing.T) {
		g := NewGen(insT0)
		slow := g.Chain("orders", "slow", 3, 0, time.Minute)
		ins := open(t,
			g.Chain("orders", "old", 2, -time.Hour, 10*time.Minute), // ended before since
			g.Chain("orders", "fast", 2, 0, time.Second),
			slow,
			g.Chain("orders", "mid", 2, time.Minute, 30*time.Second),
			slow) // retried
		got, err := ins.SlowestFlows(t.Context(), insT0.Add(-time.Minute), 2)
		if err != nil {
			t.Fatal(err)
		}
		if ids := flowIDs(store.FlowPage{Flows: got}); !cmp.Equal(ids, []string{"slow", "mid"}) {
			t.Fatalf("SlowestFlows = %v, want [slow mid]", ids)
		}
		if got[0].EventCount != 3 || !got[0].FirstTime.Equal(insT0) || !got[0].LastTime.Equal(insT0.Add(2*time.Minute)) ||
			!cmp.Equal(got[0].Services, []string{"svc-a", "svc-b", "svc-c"}) || got[0].Anomalies == nil {
			t.Errorf("slow flow summary = %+v", got[0])
		}
		all, err := ins.SlowestFlows(t.Context(), insT0.Add(-time.Minute), 10)
		if err != nil {
			t.Fatal(err)
		}
		if ids := flowIDs(store.FlowPage{Flows: all}); !cmp.Equal(ids, []string{"slow", "mid", "fast"}) {
			t.Errorf("SlowestFlows = %v, want [slow mid fast]", ids)
		}
	})
	t.Run("EventTypes", func(t *testing.T) {
		g := NewGen(insT0)
		v := func(e event.Event, version string) event.Event { e.Version = version; return e }
		ins := open(t, []event.Event{
			insEvent(g, "orders", "x", "OrderPlaced", -3*time.Hour, `{"pizza":"old"}`), // before the baseline
			v(insEvent(g, "orders", "a", "OrderPlaced", -30*time.Minute, `{"pizza":"x"}`), "1"),
			insEvent(g, "kitchen", "a", "PizzaPrepared", -20*time.Minute, `{"oven":1}`),
		}, []event.Event{
			v(insEvent(g, "orders", "b", "OrderPlaced", time.Minute, `{"pizza":"y"}`), "1"),
			v(insEvent(g, "orders", "c", "OrderPlaced", 2*time.Minute, `{"pizza":"y","tip":2}`), "1"),
			v(insEvent(g, "orders", "d", "OrderPlaced", 3*time.Minute, `{"pizza":"y"}`), "2"),
			v(insEvent(g, "orders", "e", "OrderPlaced", 5*time.Minute, `{"pizza":"z"}`), "1"),
			insEvent(g, "loyalty", "b", "PointsAdded", 4*time.Minute, `not json`),
			insEvent(g, "payments", "b", "PaymentRequested", 6*time.Minute, `{"data":{"amount":1},"specversion":"1.0"}`),
		})
		got, err := ins.EventTypes(t.Context(), insT0.Add(-time.Hour), insT0)
		if err != nil {
			t.Fatal(err)
		}
		at := func(m int) time.Time { return insT0.Add(time.Duration(m) * time.Minute) }
		want := []store.TypeInfo{
			{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza"}, FirstSeen: at(1), LastSeen: at(5), Events: 2, Known: true, TypeKnown: true},
			{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza", "tip"}, FirstSeen: at(2), LastSeen: at(2), Events: 1, TypeKnown: true},
			{Type: "OrderPlaced", Version: "2", Fields: []string{"pizza"}, FirstSeen: at(3), LastSeen: at(3), Events: 1, TypeKnown: true},
			{Type: "PaymentRequested", Fields: []string{"amount"}, FirstSeen: at(6), LastSeen: at(6), Events: 1}, // an envelope's data
			{Type: "PointsAdded", Fields: []string{}, FirstSeen: at(4), LastSeen: at(4), Events: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("EventTypes (-want +got):\n%s", diff)
		}
	})
	t.Run("RecentEvents", func(t *testing.T) {
		g := NewGen(insT0)
		// Many old rows, so a store's search for the window has work to do.
		var old []event.Event
		for i := range 3000 {
			old = append(old, insEvent(g, "orders", fmt.Sprintf("old%d", i), "OrderPlaced", -time.Hour+time.Duration(i)*time.Millisecond, `{}`))
		}
		newer := []event.Event{insEvent(g, "orders", "n2", "OrderPlaced", 2*time.Second, `{"a":2}`),
			insEvent(g, "payments", "n2", "PaymentRequested", 3*time.Second, `{"a":3}`)}
		ins := open(t, old, []event.Event{insEvent(g, "orders", "n1", "OrderPlaced", time.Second, `{"a":1}`)}, newer, newer)
		got, err := ins.RecentEvents(t.Context(), insT0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if ids := IDs(got); !cmp.Equal(ids, []string{"n2-payments-3s", "n2-orders-2s", "n1-orders-1s"}) {
			t.Errorf("RecentEvents = %v", ids)
		}
		if len(got) > 0 && string(got[0].Payload) != `{"a":3}` {
			t.Errorf("payload = %q, want it read", got[0].Payload)
		}
		two, err := ins.RecentEvents(t.Context(), insT0, 2)
		if err != nil || len(two) != 2 {
			t.Errorf("RecentEvents limit 2 = %d events, %v", len(two), err)
		}
		all, err := ins.RecentEvents(t.Context(), insT0.Add(-2*time.Hour), 5000)
		if err != nil || len(all) != 3003 {
			t.Errorf("RecentEvents of everything = %d events, %v; want 3003", len(all), err)
		}
		none, err := open(t).RecentEvents(t.Context(), insT0, 10)
		if err != nil || none == nil || len(none) != 0 {
			t.Errorf("RecentEvents on an empty store = %v, %v", none, err)
		}
	})
}
