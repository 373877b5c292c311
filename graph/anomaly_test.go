package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/google/go-cmp/cmp"
)

func TestAnomalies(t *testing.T) {
	onTopic := func(e event.Event, topic string) event.Event { e.Topic = topic; return e }
	base := graph.Baseline{
		{Cause: "A", Effect: "B"}: {Count: 50, P50MS: 40, P99MS: 100},
		{Cause: "B", Effect: "C"}: {Count: 50, P50MS: 10, P99MS: 20},
	}
	stall := func(now time.Duration) graph.Options {
		return graph.WithRules(t0.Add(now), graph.DemoStallRules()...)
	}
	hops := func(b graph.Baseline, floor time.Duration) graph.Options {
		c := diagnose.Default()
		c.Baseline = &diagnose.Baseline{Hops: b}
		if floor > 0 {
			c.SlowFloor = floor
		}
		return graph.Options{Diagnose: &c}
	}
	tests := []struct {
		name   string
		events []event.Event
		opts   graph.Options
		want   []graph.Anomaly
	}{
		{"clean chain", seq(ev("a", "", "A", 0), ev("b", "a", "B", 10), ev("c", "b", "C", 30)), graph.Options{}, nil},
		{"orphan", seq(ev("a", "", "A", 0), ev("b", "zz", "B", 10)), graph.Options{},
			[]graph.Anomaly{{Kind: graph.Orphan, EventIDs: []string{"b"}, Detail: "caused by zz, which was not seen"}}},
		{"duplicate", seq(ev("a", "", "A", 0), ev("b", "a", "B", 10), ev("b", "a", "B", 30)), graph.Options{},
			[]graph.Anomaly{{Kind: graph.Duplicate, EventIDs: []string{"b"}, Detail: "published 2 times on t: t/0/1, t/0/2"}}},
		{"out of order", seq(ev("b", "a", "B", 50), ev("a", "", "A", 100)), graph.Options{},
			[]graph.Anomaly{{Kind: graph.OutOfOrder, EventIDs: []string{"a", "b"}, Detail: "B is timestamped 50 ms before its cause A"}}},
		{"self causation", seq(ev("a", "a", "A", 0), ev("b", "a", "B", 5)), graph.Options{},
			[]graph.Anomaly{{Kind: graph.Cycle, EventIDs: []string{"a"}, Detail: "event names itself as its cause"}}},
		{"two-event loop", seq(ev("a", "b", "A", 0), ev("b", "a", "B", 10)), graph.Options{},
			[]graph.Anomaly{{Kind: graph.Cycle, EventIDs: []string{"a", "b"}, Detail: "causation loops through 2 events: A → B"}}},
		{"three-event loop with a tail", seq(ev("r", "", "R", 0), ev("a", "c", "A", 1), ev("b", "a", "B", 2), ev("c", "b", "C", 3), ev("d", "c", "D", 4)), graph.Options{},
			[]graph.Anomaly{{Kind: graph.Cycle, EventIDs: []string{"a", "b", "c"}, Detail: "causation loops through 3 events: A → B → C"}}},
		{"dead letter by convention", seq(ev("a", "", "A", 0), onTopic(ev("b", "a", "B", 10), "orders.DLT")), graph.Options{},
			[]graph.Anomaly{{Kind: graph.DeadLetter, EventIDs: []string{"b"}, Detail: "B went to dead-letter topic orders.DLT"}}},
		{"dead letter by option", seq(onTopic(ev("a", "", "A", 0), "poison")),
			graph.Options{Diagnose: &diagnose.Config{DeadLetterTopics: []string{"poison"}}},
			[]graph.Anomaly{{Kind: graph.DeadLetter, EventIDs: []string{"a"}, Detail: "A went to dead-letter topic poison"}}},
		{"stalled", seq(ev("o", "", "OrderPlaced", 0), ev("p", "o", "PaymentAuthorized", 10)), stall(31 * time.Second),
			[]graph.Anomaly{{Kind: graph.Stalled, EventIDs: []string{"o"}, Detail: "OrderPlaced expects PizzaPrepared or OrderCancelled within 30 s; nothing followed in 31 s"}}},
		{"stalled twice", seq(ev("o", "", "OrderPlaced", 0), ev("p", "o", "PizzaPrepared", 10)), stall(2 * time.Minute),
			[]graph.Anomaly{{Kind: graph.Stalled, EventIDs: []string{"p"}, Detail: "PizzaPrepared expects PizzaBoxed within 30 s; nothing followed in 2m0s"}}},
		{"not stalled: descendant two hops down", seq(ev("o", "", "OrderPlaced", 0), ev("k", "o", "KitchenTicketCreated", 10),
			ev("p", "k", "PizzaPrepared", 20), ev("x", "p", "PizzaBoxed", 30)), stall(time.Hour), nil},
		{"not stalled: follow-up without a cause", seq(ev("o", "", "OrderPlaced", 0), ev("c", "", "OrderCancelled", 500)), stall(time.Hour), nil},
		{"stalled: unlinked follow-up came before", seq(ev("c", "", "OrderCancelled", 0), ev("o", "", "OrderPlaced", 500)), stall(time.Hour),
			[]graph.Anomaly{{Kind: graph.Stalled, EventIDs: []string{"o"}, Detail: "OrderPlaced expects PizzaPrepared or OrderCancelled within 30 s; nothing followed in 1h0m0s"}}},
		{"not stalled yet", seq(ev("o", "", "OrderPlaced", 0)), stall(29 * time.Second), nil},
		{"no clock, no stall", seq(ev("o", "", "OrderPlaced", 0)), graph.WithRules(time.Time{}, graph.DemoStallRules()...), nil},
		{"slow hop", seq(ev("a", "", "A", 0), ev("b", "a", "B", 1000), ev("c", "b", "C", 1090)), hops(base, 0),
			[]graph.Anomaly{{Kind: graph.SlowHop, EventIDs: []string{"a", "b"}, Detail: "A → B took 1 s, usually under 100 ms (p99 of 50)"}}},
		{"not slow: under factor × p99", seq(ev("a", "", "A", 0), ev("b", "a", "B", 250)), hops(base, 0), nil},
		{"slow with a lower floor", seq(ev("b", "", "B", 0), ev("c", "b", "C", 90)),
			hops(base, 50*time.Millisecond),
			[]graph.Anomaly{{Kind: graph.SlowHop, EventIDs: []string{"b", "c"}, Detail: "B → C took 90 ms, usually under 20 ms (p99 of 50)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := graph.Build(tt.events, tt.opts)
			want := tt.want
			if want == nil {
				want = []graph.Anomaly{}
			}
			if diff := cmp.Diff(want, f.Anomalies); diff != "" {
				t.Errorf("anomalies (-want +got):\n%s", diff)
			}
			if len(f.Order) != len(tt.events) {
				t.Errorf("Order has %d records, want %d", len(f.Order), len(tt.events))
			}
		})
	}
}

func TestAnomalyOrderAndVertexKinds(t *testing.T) {
	events := seq(ev("a", "", "A", 100), ev("b", "a", "B", 50), ev("b", "a", "B", 60), ev("c", "gone", "C", 70))
	events[3].Topic = "x-dlq"
	f := graph.Build(events, graph.Options{})
	var kinds []string
	for _, a := range f.Anomalies {
		kinds = append(kinds, a.Kind)
	}
	if got, want := strings.Join(kinds, ","), "orphan,duplicate,out_of_order,dead_letter"; got != want {
		t.Errorf("kinds = %s, want %s", got, want)
	}
	b := f.Vertices[f.VertexOf[1]]
	if diff := cmp.Diff([]string{graph.Duplicate, graph.OutOfOrder}, b.Kinds); diff != "" {
		t.Errorf("vertex b kinds (-want +got):\n%s", diff)
	}
}
