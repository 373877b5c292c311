package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

func withPayload(e event.Event, topic, payload string) event.Event {
	e.Topic, e.Payload = topic, []byte(payload)
	return e
}

type edgeOut struct{ From, To, Kind string }

func copyEdges(f *graph.Flow) []edgeOut {
	out := []edgeOut{}
	for _, e := range f.Edges {
		out = append(out, edgeOut{e.From, e.To, e.Kind})
	}
	return out
}

// TestSameIDDifferentRecord is issue 24's rule for records sharing an event
// ID: another topic and payload is a derived copy (own vertex, a copy
// edge, no duplicate); the same payload on another topic is one event on
// several topics (no anomaly); the same topic twice is a duplicate;
// internal records never start a copy or an anomaly.
func TestSameIDDifferentRecord(t *testing.T) {
	order := withPayload(ev("o1", "", "OrderPlaced", 0), "orders", `{"id":1}`)
	tests := []struct {
		name      string
		events    []event.Event
		vertices  []string
		edges     []edgeOut
		anomalies []string // kinds
	}{
		{"derived copy (Kafka Streams mapValues)", seq(order,
			withPayload(ev("o1", "", "OrderPlaced", 3), "orders-enriched", `{"enriched":true,"order":{"id":1}}`),
			withPayload(ev("p1", "o1", "PaymentProcessed", 10), "payments", `{}`)),
			[]string{"o1", "o1@orders-enriched", "p1"},
			[]edgeOut{{"o1", "o1@orders-enriched", graph.EdgeCopy}, {"o1", "p1", ""}}, nil},
		{"copy of a copy's topic twice is a duplicate of the copy", seq(order,
			withPayload(ev("o1", "", "OrderPlaced", 3), "orders-enriched", `{"e":1}`),
			withPayload(ev("o1", "", "OrderPlaced", 4), "orders-enriched", `{"e":1}`)),
			[]string{"o1", "o1@orders-enriched"},
			[]edgeOut{{"o1", "o1@orders-enriched", graph.EdgeCopy}}, []string{graph.Duplicate}},
		{"same payload on two business topics: one event", seq(order,
			withPayload(ev("o1", "", "OrderPlaced", 1), "orders-audit", `{"id":1}`)),
			[]string{"o1"}, []edgeOut{}, nil},
		{"same topic twice: duplicate", seq(order, withPayload(ev("o1", "", "OrderPlaced", 5), "orders", `{"id":1}`)),
			[]string{"o1"}, []edgeOut{}, []string{graph.Duplicate}},
		{"same topic, other payload: duplicate", seq(order, withPayload(ev("o1", "", "OrderPlaced", 5), "orders", `{"id":2}`)),
			[]string{"o1"}, []edgeOut{}, []string{graph.Duplicate}},
		{"internal records: no copy, no anomaly", seq(
			func() event.Event {
				e := withPayload(ev("o1", "gone", "OrderPlaced", 0), "app-KSTREAM-KEY-SELECT-0000000002-repartition", `{"id":1}`)
				e.Internal = true
				return e
			}(), withPayload(ev("o1", "", "OrderPlaced", 0), "orders", `{"id":1}`),
			func() event.Event {
				e := withPayload(ev("o1", "", "OrderPlaced", 2), "app-store-changelog", `7`)
				e.Internal = true
				return e
			}(),
			func() event.Event {
				e := withPayload(ev("c1", "missing", "Count", 2), "app-store-changelog", `8`)
				e.Internal, e.Topic = true, "orders.DLT-changelog"
				return e
			}()),
			[]string{"o1", "c1"}, []edgeOut{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]event.Event(nil), tt.events...)
			f := graph.Build(tt.events, graph.Options{})
			var vs []string
			for _, v := range f.Vertices {
				vs = append(vs, v.ID)
			}
			if d := cmp.Diff(tt.vertices, vs); d != "" {
				t.Errorf("vertices (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.edges, copyEdges(f)); d != "" {
				t.Errorf("edges (-want +got):\n%s", d)
			}
			var kinds []string
			for _, a := range f.Anomalies {
				kinds = append(kinds, a.Kind)
			}
			if d := cmp.Diff(tt.anomalies, kinds); d != "" {
				t.Errorf("anomalies (-want +got):\n%s\n%+v", d, f.Anomalies)
			}
			if d := cmp.Diff(before, tt.events); d != "" {
				t.Errorf("Build changed the caller's events:\n%s", d)
			}
		})
	}
}

// TestCopyEvent: a copy's event in Flow.Events has the copy ID, the ID it
// copies, and the copied event as its cause.
func TestCopyEvent(t *testing.T) {
	f := graph.Build(seq(withPayload(ev("o1", "root", "OrderPlaced", 0), "orders", `1`),
		withPayload(ev("o1", "root", "OrderPlaced", 1), "enriched", `2`)), graph.Options{})
	c := f.Events[1]
	if c.EventID != "o1@enriched" || c.CopyOf != "o1" || c.CausationID != "o1" {
		t.Errorf("copy = id %q copy_of %q cause %q", c.EventID, c.CopyOf, c.CausationID)
	}
	if !f.Vertices[1].Copy || f.Vertices[1].Dup {
		t.Errorf("copy vertex = %+v", f.Vertices[1])
	}
}

// TestMultiTopicNode: one event on two topics is one node whose title
// names both topics, and it is not drawn as a duplicate.
func TestMultiTopicNode(t *testing.T) {
	f := graph.Build(seq(withPayload(ev("o1", "", "OrderPlaced", 0), "orders", `1`),
		withPayload(ev("o1", "", "OrderPlaced", 1), "orders-audit", `1`)), graph.Options{})
	if got := f.Vertices[0].Topics(f); len(got) != 2 || got[0] != "orders" || got[1] != "orders-audit" {
		t.Errorf("topics = %v", got)
	}
	d := graph.Layout(f, graph.LayoutOptions{})
	if n := d.Nodes[0]; !strings.Contains(n.Title, "published to orders, orders-audit") || strings.Contains(n.Class, "duplicate") {
		t.Errorf("node title %q class %q", n.Title, n.Class)
	}
}

// TestRedriveStep: a dead letter redriven to its original topic (the
// record carries eventscope-redriven-from) is a new step, drawn after the
// dead-lettered event with a copy edge, and no duplicate; the flow stays
// failed (a redrive offers the work again, it does not do it).
func TestRedriveStep(t *testing.T) {
	order := withPayload(ev("o1", "", "OrderPlaced", 0), "orders", `{"id":1}`)
	order.Source = "shop"
	dl := withPayload(ev("o1", "", "OrderPlaced", 5), "orders.DLT", `{"id":1}`)
	dl.Source = "kitchen"
	re := withPayload(ev("o1", "", "OrderPlaced", 9), "orders", `{"id":1}`)
	re.Source = "shop"
	re.Headers = []event.Header{{Key: "eventscope-redriven-from", Value: "orders.DLT/0/5"}}
	f := graph.Build(seq(order, dl, re), graph.Options{})
	var vs []string
	for _, v := range f.Vertices {
		vs = append(vs, v.ID)
	}
	if d := cmp.Diff([]string{"o1", "o1@orders"}, vs); d != "" {
		t.Errorf("vertices (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]edgeOut{{"o1", "o1@orders", graph.EdgeCopy}}, copyEdges(f)); d != "" {
		t.Errorf("edges (-want +got):\n%s", d)
	}
	for _, a := range f.Anomalies {
		if a.Kind == graph.Duplicate {
			t.Errorf("redrive flagged: %+v", a)
		}
	}
	if f.Status != "failed" {
		t.Errorf("status %q, want failed", f.Status)
	}
}
