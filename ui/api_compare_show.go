package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// compareJSON is /api/compare's answer.
type compareJSON struct {
	A       compareFlowJSON  `json:"a"`
	B       compareFlowJSON  `json:"b"`
	Typical *typicalPick     `json:"typical,omitempty"`
	Same    bool             `json:"same_shape"`
	Types   []graph.TypeDiff `json:"types"`
	Hops    []graph.HopDiff  `json:"hops"`
	// Resent: dead letters and redriven records by type, not compared
	// (graph.Flow.Compared).
	Resent []graph.TypeDiff `json:"resent"`
}

type compareFlowJSON struct {
	CorrelationID string  `json:"correlation_id"`
	Events        int     `json:"event_count"`
	Status        string  `json:"status"`
	DurationMS    float64 `json:"duration_ms"`
	RootType      string  `json:"root_type"`
}

// orEmpty is s, or an empty slice for nil (JSON [] rather than null).
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// apiCompareShow is GET /api/compare?a=&b=: the comparison of
// compareShow as JSON.
func (h *handler) apiCompareShow(c echo.Context) error {
	p, err := parseCompareParams(c)
	if err != nil {
		return err
	}
	cmp, err := h.loadComparison(c.Request().Context(), p)
	if err != nil {
		return err
	}
	side := func(id string, f *graph.Flow) compareFlowJSON {
		return compareFlowJSON{CorrelationID: id, Events: len(f.Events), Status: f.Status,
			DurationMS: float64(f.End.Sub(f.Start).Microseconds()) / 1000, RootType: graph.RootType(f)}
	}
	return c.JSON(http.StatusOK, compareJSON{A: side(cmp.AID, cmp.A), B: side(cmp.BID, cmp.B), Typical: cmp.Typical,
		Same: cmp.Diff.Same, Types: cmp.Diff.Types, Hops: cmp.Diff.Hops, Resent: orEmpty(cmp.Diff.Resent)})
}
