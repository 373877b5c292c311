package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// Typical is the value of ?b= that asks for a typical flow to compare
// with: see typicalFlow.
const Typical = "typical"

// Limits of the typical-flow pick: how many recent flows with the same
// root type are read, and how big a flow it reads (bigger ones are
// skipped: a typical shape is not the 50,000-event outlier).
const (
	typicalSample    = 50
	typicalMaxEvents = 2000
)

// compareParams are /compare's and /api/compare's query: two flow IDs.
type compareParams struct{ A, B string }

func parseCompareParams(c echo.Context) (compareParams, error) {
	p := compareParams{A: strings.TrimSpace(c.QueryParam("a")), B: strings.TrimSpace(c.QueryParam("b"))}
	if p.A == "" {
		return p, badRequest("missing a: give two flow IDs, /compare?a=ID&b=ID (b=typical picks a typical flow)")
	}
	if p.B == "" {
		p.B = Typical
	}
	return p, nil
}

// typicalPick says how a typical flow was picked: among Sampled recent
// flows whose root is RootType, Matching had the most common shape, and
// the newest of them is the flow. Flow is "" when no other flow has that
// root type.
type typicalPick struct {
	Flow     string `json:"flow"`
	RootType string `json:"root_type"`
	Sampled  int    `json:"sampled"`
	Matching int    `json:"matching"`
}

// typicalFlow picks the flow to compare flow id (built as f) with: the
// most common shape (graph.ShapeKey) among the newest typicalSample other
// flows whose first root has the same type, and of that shape the newest.
func (h *handler) typicalFlow(ctx context.Context, id string, f *graph.Flow) (typicalPick, error) {
	pick := typicalPick{RootType: graph.RootType(f)}
	if pick.RootType == "" {
		return pick, nil
	}
	page, err := h.store.Flows(ctx, store.FlowQuery{Terms: []store.Term{{Field: store.FieldType, Value: pick.RootType}}, Limit: typicalSample + 1})
	if err != nil {
		return pick, fmt.Errorf("flows of type %q: %w", pick.RootType, err)
	}
	count := map[string]int{}
	newest := map[string]string{} // shape -> newest flow (the page is newest first)
	var order []string
	for _, s := range page.Flows {
		if s.CorrelationID == id || s.EventCount > typicalMaxEvents || pick.Sampled == typicalSample {
			continue
		}
		evs, err := h.store.Flow(ctx, s.CorrelationID)
		if err != nil {
			return pick, flowReadError(s.CorrelationID, err)
		}
		evs, _ = withoutInternal(evs, false)
		g := graph.Build(evs, h.graphOptions())
		if graph.RootType(g) != pick.RootType {
			continue
		}
		pick.Sampled++
		k := graph.ShapeKey(g)
		if count[k] == 0 {
			newest[k] = s.CorrelationID
			order = append(order, k)
		}
		count[k]++
	}
	for _, k := range order { // ties: the shape seen first, the newest
		if count[k] > pick.Matching {
			pick.Matching, pick.Flow = count[k], newest[k]
		}
	}
	return pick, nil
}

// loadComparison reads both flows (resolving b=typical) and compares them.
func (h *handler) loadComparison(ctx context.Context, p compareParams) (comparison, error) {
	var c comparison
	a, _, err := h.loadFlow(ctx, p.A, false)
	if err != nil {
		return c, err
	}
	c.A, c.AID, c.BID = a, p.A, p.B
	if p.B == Typical {
		pick, err := h.typicalFlow(ctx, p.A, a)
		if err != nil {
			return c, err
		}
		c.Typical = &pick
		if pick.Flow == "" {
			return c, echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("no other flow starts with %s: nothing typical to compare flow %q with", pick.RootType, p.A))
		}
		c.BID = pick.Flow
	}
	if c.B, _, err = h.loadFlow(ctx, c.BID, false); err != nil {
		return c, err
	}
	c.Diff = graph.Compare(c.A, c.B)
	return c, nil
}

// comparison is two flows and their structural difference.
type comparison struct {
	AID, BID string
	A, B     *graph.Flow
	Diff     graph.Comparison
	Typical  *typicalPick // when b=typical picked B
}
