package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// flowJSON is the body of GET /api/flows/{correlation_id}.
type flowJSON struct {
	CorrelationID string          `json:"correlation_id"`
	Events        []event.Event   `json:"events"`
	Edges         []graph.Edge    `json:"edges"`
	Anomalies     []graph.Anomaly `json:"anomalies"`
}

// apiFlowShow is GET /api/flows/{correlation_id}: the flow's events in
// store order, its causal edges and its anomalies.
func (h *handler) apiFlowShow(c echo.Context) error {
	id, err := idParam(c)
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
	body := flowJSON{CorrelationID: id, Events: f.Events, Edges: f.Edges, Anomalies: f.Anomalies}
	if body.Events == nil {
		body.Events = []event.Event{}
	}
	for i := range body.Anomalies {
		if body.Anomalies[i].EventIDs == nil {
			body.Anomalies[i].EventIDs = []string{}
		}
	}
	return c.JSON(http.StatusOK, body)
}
