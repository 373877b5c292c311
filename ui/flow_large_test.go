package ui

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/graphtest"
)

// TestFlowPage50k serves the page of a 50,000-event flow: the graph is
// collapsed into groups, the timeline counts events in bins, the tree
// stops at maxTreeRows, and the page stays a few hundred KiB.
func TestFlowPage50k(t *testing.T) {
	if testing.Short() {
		t.Skip("50k-event flow page skipped in -short mode")
	}
	const n = 50_000
	ts := newTestServer(t, Options{Store: newFakeStore(graphtest.Flow(n, 1)...)})
	start := time.Now()
	rec := ts.get(t, "/flows/batch-50000?timeline=lanes")
	took := time.Since(start)
	if rec.Code != 200 {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := texts(doc, `[data-testid="flow-events"]`); len(got) != 1 || got[0] != itoa(n) {
		t.Errorf("header events = %q", got)
	}
	if c, _ := doc.Find(`[data-testid="flow-graph"]`).Attr("data-collapsed"); c != "true" {
		t.Error("graph not collapsed")
	}
	if nodes := doc.Find(`[data-testid="graph-node"]`).Length(); nodes == 0 || nodes > 50 {
		t.Errorf("%d graph boxes", nodes)
	}
	if b, _ := doc.Find(`[data-testid="flow-timeline"]`).Attr("data-binned"); b != "true" || doc.Find(`.timeline-svg rect.bin`).Length() == 0 {
		t.Error("timeline not binned")
	}
	if marks := doc.Find(`.timeline-svg a.mark`).Length(); marks > 2000 {
		t.Errorf("%d timeline marks", marks)
	}
	if rows := doc.Find(`[data-testid="tree-row"]`).Length(); rows != maxTreeRows {
		t.Errorf("%d tree rows, want %d", rows, maxTreeRows)
	}
	if size := rec.Body.Len(); size > 3<<20 {
		t.Errorf("page is %d KiB", size>>10)
	}
	t.Logf("50k-event flow page: %d KiB in %v (fake store, race detector off unless -race)", rec.Body.Len()>>10, took)
}

// BenchmarkFlowPage is the server side of the flow page: graph.Build,
// layout, timeline, view models and the templ render of the whole page,
// for flows of 100 to 50,000 events. page-KiB is the HTML's size.
//
//	go test ./ui -run '^$' -bench FlowPage -benchtime 10x
func BenchmarkFlowPage(b *testing.B) {
	for _, n := range []int{100, 1000, 10_000, 50_000} {
		events := graphtest.Flow(n, 1)
		id := events[0].CorrelationID
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				f := graph.Build(events, graph.WithRules(graphtest.Start.Add(time.Hour), graph.DemoStallRules()...))
				v := buildFlowPage(f, flowParams{FlowID: id})
				w := &countWriter{}
				if err := flowPage(pageMeta{Title: "Flow " + id}, v).Render(context.Background(), w); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.ReportMetric(float64(size)/1024, "page-KiB")
			b.ReportMetric(gzipSize(b, events, id)/1024, "gzip-KiB")
		})
	}
}

// gzipSize is the size of the page compressed as a gzip-ing proxy would.
func gzipSize(b *testing.B, events []event.Event, id string) float64 {
	f := graph.Build(events, graph.WithRules(graphtest.Start.Add(time.Hour), graph.DemoStallRules()...))
	w := &countWriter{}
	z := gzip.NewWriter(w)
	if err := flowPage(pageMeta{Title: "Flow " + id}, buildFlowPage(f, flowParams{FlowID: id})).Render(context.Background(), z); err != nil {
		b.Fatal(err)
	}
	if err := z.Close(); err != nil {
		b.Fatal(err)
	}
	return float64(w.n)
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
