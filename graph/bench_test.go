package graph_test

import (
	"fmt"
	"testing"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
)

var benchSizes = []int{100, 1000, 10000, 50000}

func sizeName(n int) string {
	if n >= 1000 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// BenchmarkFlow is the graph package's share of serving the flow page:
// build the graph, lay it out (collapsed above 300 events) and build the
// timeline, for pizza-shop flows of ~20-event orders fanned out from one root.
func BenchmarkFlow(b *testing.B) {
	for _, n := range benchSizes {
		events := graphtest.Flow(n, 1)
		b.Run(sizeName(n), func(b *testing.B) {
			for b.Loop() {
				f := graph.Build(events, graph.Options{})
				graph.Layout(f, graph.LayoutOptions{})
				graph.BuildTimeline(f, graph.TimelineOptions{})
			}
		})
	}
}

// BenchmarkBuild is Build alone.
func BenchmarkBuild(b *testing.B) {
	for _, n := range benchSizes {
		events := graphtest.Flow(n, 1)
		b.Run(sizeName(n), func(b *testing.B) {
			for b.Loop() {
				graph.Build(events, graph.WithRules(graphtest.Start, graph.DemoStallRules()...))
			}
		})
	}
}

// BenchmarkLayoutFull lays every event out, nothing collapsed.
func BenchmarkLayoutFull(b *testing.B) {
	for _, n := range benchSizes {
		f := graph.Build(graphtest.Flow(n, 1), graph.Options{})
		b.Run(sizeName(n), func(b *testing.B) {
			for b.Loop() {
				graph.Layout(f, graph.LayoutOptions{CollapseAbove: -1})
			}
		})
	}
}

// BenchmarkLayoutExpanded expands the biggest group (the ~4,000 prepared
// pizzas of the 50k flow) in place.
func BenchmarkLayoutExpanded(b *testing.B) {
	f := graph.Build(graphtest.Flow(50000, 1), graph.Options{})
	opts := graph.LayoutOptions{Expand: map[string]bool{graph.GroupID("kitchen", "PizzaPrepared"): true}}
	for b.Loop() {
		graph.Layout(f, opts)
	}
}

// BenchmarkServiceMap derives and lays out the service map of 50k events.
func BenchmarkServiceMap(b *testing.B) {
	events := graphtest.Flow(50000, 1)
	for b.Loop() {
		graph.LayoutServiceMap(graph.BuildServiceMap(events), graph.LayoutOptions{})
	}
}
