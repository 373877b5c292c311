package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// flowShow renders a flow: header, anomalies, causal tree and the detail of
// the event named by ?event= (the first event when absent). An htmx request
// targeting the detail panel gets just that panel.
func (h *handler) flowShow(c echo.Context) error {
	id, err := pathID(c, "/flows/")
	if err != nil {
		return err
	}
	events, err := h.store.Flow(c.Request().Context(), id)
	if err != nil {
		return fmt.Errorf("flow %q: %w", id, err)
	}
	v := buildFlowView(id, graph.Build(events, h.graphOptions()), c.QueryParam("event"))
	c.Response().Header().Add("Vary", "HX-Request, HX-Target")
	if isPartial(c, "event-detail") && v.HasDetail {
		return render(c, http.StatusOK, eventDetail(v.Detail))
	}
	return render(c, http.StatusOK, flowPage(pageMeta{Title: "Flow " + id}, v))
}
