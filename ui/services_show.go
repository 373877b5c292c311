package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// servicesShow is the service map page: the map the recent events reveal,
// drawn as SVG with the flow graph's layered layout, and its edges in a
// table with rates, hop latencies and links to example flows.
func (h *handler) servicesShow(c echo.Context) error {
	d, err := h.serviceMap(c.Request().Context(), showInternal(c.QueryParams()))
	if err != nil {
		return fmt.Errorf("service map: %w", err)
	}
	return render(c, http.StatusOK, servicesPage(pageMeta{Title: "Services", Active: "/services"}, servicesViewOf(d)))
}

// servicesJSON is the body of GET /api/services.
type servicesJSON struct {
	Nodes  []graph.MapNode `json:"nodes"`
	Edges  []graph.MapEdge `json:"edges"`
	Groups []ConsumerGroup `json:"groups"`
	// Since and Events say what the map was drawn from: the events that
	// arrived since Since (at most the newest 10000).
	Since  string `json:"since"`
	Events int    `json:"events"`
	// Available is false when the store cannot list recent events.
	Available   bool   `json:"available"`
	GroupsError string `json:"groups_error,omitempty"`
}

// apiServicesShow is GET /api/services: nodes (services, topics, consumer
// groups) and edges (publishes: service → topic labelled with the type;
// reacts: topic → service labelled with the cause's type, with p50/p99 hop
// latency; subscribed: topic → group).
func (h *handler) apiServicesShow(c echo.Context) error {
	d, err := h.serviceMap(c.Request().Context(), showInternal(c.QueryParams()))
	if err != nil {
		return fmt.Errorf("service map: %w", err)
	}
	body := servicesJSON{Nodes: d.Map.Nodes, Edges: d.Map.Edges, Groups: d.Groups, Since: fmtRFC3339(d.Since),
		Events: d.Events, Available: d.Available, GroupsError: d.GroupsError}
	if body.Groups == nil {
		body.Groups = []ConsumerGroup{}
	}
	return c.JSON(http.StatusOK, body)
}
