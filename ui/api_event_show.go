package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
)

// eventJSON is the body of GET /api/events/{event_id}.
type eventJSON struct {
	Event event.Event `json:"event"`
	// Flows are the flows the ID occurs in, the one shown first (?flow=
	// picks it): more than one when producers reuse an ID.
	Flows   []string      `json:"flows"`
	Causes  []event.Event `json:"causes"`
	Effects []event.Event `json:"effects"`
	// Deliveries tell, for every consumer group that reads the event's
	// topic, whether it has read it (see deliveryJSON).
	Deliveries []deliveryJSON `json:"deliveries"`
	// DeliveriesError is "consumer positions unavailable: <reason>" when
	// the deliveries could not be told (polling off, the broker refusing).
	DeliveriesError string `json:"deliveries_error,omitempty"`
}

// apiEventShow is GET /api/events/{event_id}: the event (its first record
// when published more than once), the records of its cause and the events
// of its flow it caused, and which consumer groups have read it. ?flow= picks the flow when the ID occurs in
// several (all listed in "flows").
func (h *handler) apiEventShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	rel, err := h.loadEvent(c.Request().Context(), id, c.QueryParam("flow"))
	if err != nil {
		return err
	}
	body := eventJSON{Event: rel.records[0], Flows: rel.flows, Causes: rel.causes, Effects: rel.effects}
	if body.Deliveries, body.DeliveriesError, err = h.deliveries(c.Request().Context(), &body.Event); err != nil {
		return err
	}
	if body.Causes == nil {
		body.Causes = []event.Event{}
	}
	if body.Effects == nil {
		body.Effects = []event.Event{}
	}
	return c.JSON(http.StatusOK, body)
}
