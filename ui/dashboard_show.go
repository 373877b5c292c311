package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// dashboardFlows is how many recent flows the dashboard lists.
const dashboardFlows = 25

// dashboardShow renders the home page: totals, recent flows, topics.
func (h *handler) dashboardShow(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := h.store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("load stats: %w", err)
	}
	page, err := h.store.Flows(ctx, store.FlowQuery{Limit: dashboardFlows})
	if err != nil {
		return fmt.Errorf("list recent flows: %w", err)
	}
	v := dashboardView{
		Events: st.Events, Flows: st.Flows, Topics: st.Topics,
		Recent: flowRows(h.now(), page.Flows), MoreURL: SearchURL("*"),
	}
	if h.stats != nil {
		v.Ingest = prettyJSON(h.stats())
	}
	return render(c, http.StatusOK, dashboardPage(pageMeta{Title: "Dashboard", Active: "/"}, v))
}
