package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// flowShow renders a flow: header, anomalies, the causal graph, the
// timeline, the causal tree and the detail of the event named by ?event=
// (the first event when absent); ?expand= expands groups of a collapsed
// graph and ?from=&to= zoom the timeline (see parseFlowParams). An htmx
// request targeting the detail panel, the graph or the timeline gets just
// that part, and computes only what that part shows.
func (h *handler) flowShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p, err := parseFlowParams(c, id)
	if err != nil {
		return err
	}
	f, hidden, err := h.loadFlow(c.Request().Context(), id, p.Internal)
	if err != nil {
		return err
	}
	p.Hidden = hidden
	c.Response().Header().Add("Vary", "HX-Request, HX-Target")
	sel := selectedRecord(f, p.Event)
	switch {
	case isPartial(c, "event-detail") && sel >= 0:
		d := flowDetail(f, sel, flowLinker(id))
		if err := h.addDeliveries(c.Request().Context(), &d, f, sel); err != nil {
			return err
		}
		return render(c, http.StatusOK, eventDetail(d))
	case isPartial(c, "flow-graph"):
		g := buildGraphView(f, p, sel)
		h.markPending(&g, f)
		return render(c, http.StatusOK, graphSection(g))
	case isPartial(c, "flow-timeline"): // links to the graph's boxes without laying it out
		return render(c, http.StatusOK, timelineSection(buildTimelineView(f, p, graph.NodeIDs(f, p.layoutOptions()), sel)))
	}
	v := buildFlowPage(f, p)
	h.markPending(&v.Graph, f)
	if err := h.addDeliveries(c.Request().Context(), &v.Detail, f, v.Selected); err != nil {
		return err
	}
	return render(c, http.StatusOK, flowPage(pageMeta{Title: "Flow " + id}, v))
}
