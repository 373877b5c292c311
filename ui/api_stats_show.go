package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// statsJSON is the body of GET /api/stats: the store's totals and per-topic
// counts, and the ingest counters (null when the server has no ingest).
type statsJSON struct {
	Events int64              `json:"events"`
	Flows  int64              `json:"flows"`
	Topics []store.TopicCount `json:"topics"`
	// Internal counts the records of internal topics, kept out of the
	// totals above (omitted when none).
	Internal []store.TopicCount `json:"internal_topics,omitempty"`
	Ingest   *IngestStats       `json:"ingest"`
}

// apiStatsShow is GET /api/stats.
func (h *handler) apiStatsShow(c echo.Context) error {
	st, err := h.totals.get(c.Request().Context(), h.store)
	if err != nil {
		return fmt.Errorf("load stats: %w", err)
	}
	body := statsJSON{Events: st.Events, Flows: st.Flows, Topics: st.Topics, Internal: st.Internal}
	if body.Topics == nil {
		body.Topics = []store.TopicCount{}
	}
	if ist, ok := h.ingestStats(); ok {
		body.Ingest = &ist
	}
	return c.JSON(http.StatusOK, body)
}
