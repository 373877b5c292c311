package ui

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/eventscope/eventscope/graph/graphtest"
)

// BenchmarkFlowFragments is the server's share of the flow page of a 200-
// and a 2000-event flow (the latter collapsed) and of each htmx fragment
// of it: load from an in-memory store, analyse, build, render.
func BenchmarkFlowFragments(b *testing.B) {
	for _, n := range []int{200, 2000} {
		evs := graphtest.Flow(n, 1)
		h := New(Options{Store: newFakeStore(evs...)})
		target := FlowURL(evs[0].CorrelationID) + "?event=" + evs[n/2].EventID
		for _, part := range []string{"page", "event-detail", "flow-graph", "flow-timeline"} {
			b.Run(part+"-"+itoa(n), func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequest(http.MethodGet, target, nil)
					if part != "page" {
						req.Header.Set("HX-Request", "true")
						req.Header.Set("HX-Target", part)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%s: %d", part, rec.Code)
					}
				}
			})
		}
	}
}
