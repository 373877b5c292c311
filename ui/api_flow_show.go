package ui

import (
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
	f, _, err := h.loadFlow(c.Request().Context(), id, showInternal(c.QueryParams()))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, flowJSONOf(id, f))
}

// flowJSONOf is the JSON of a flow (also its JSON export): events, edges
// and anomalies, with empty lists as [] rather than null.
func flowJSONOf(id string, f *graph.Flow) flowJSON {
	body := flowJSON{CorrelationID: id, Events: f.Events, Edges: f.Edges, Anomalies: f.Anomalies}
	if body.Events == nil {
		body.Events = []event.Event{}
	}
	for i := range body.Anomalies {
		if body.Anomalies[i].EventIDs == nil {
			body.Anomalies[i].EventIDs = []string{}
		}
	}
	return body
}
