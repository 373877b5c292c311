package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// flowShow renders a flow: header, anomalies, the causal graph, the
// timeline, the causal tree and the detail of the event named by ?event=
// (the first event when absent); ?expand= expands groups of a collapsed
// graph and ?from=&to= zoom the timeline (see parseFlowParams). An htmx
// request targeting the detail panel, the graph or the timeline gets just
// that part.
func (h *handler) flowShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p, err := parseFlowParams(c, id)
	if err != nil {
		return err
	}
	events, err := h.store.Flow(c.Request().Context(), id)
	if err != nil {
		return fmt.Errorf("flow %q: %w", id, err)
	}
	f := graph.Build(events, h.graphOptions())
	if err := h.explainStalls(c.Request().Context(), f); err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request, HX-Target")
	switch {
	case isPartial(c, "event-detail"):
		if v := buildFlowView(id, f, p.Event); v.HasDetail {
			return render(c, http.StatusOK, eventDetail(v.Detail))
		}
	case isPartial(c, "flow-graph"):
		v := buildFlowPage(f, p)
		h.markPending(&v.Graph, f)
		return render(c, http.StatusOK, graphSection(v.Graph))
	case isPartial(c, "flow-timeline"):
		return render(c, http.StatusOK, timelineSection(buildFlowPage(f, p).Timeline))
	}
	v := buildFlowPage(f, p)
	h.markPending(&v.Graph, f)
	return render(c, http.StatusOK, flowPage(pageMeta{Title: "Flow " + id}, v))
}
