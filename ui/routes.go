package ui

import (
	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/static"
)

// registerRoutes is the one place that maps URLs to handlers.
//
// Flow and event IDs may contain "/" (derived IDs are topic/partition/offset)
// and other reserved characters; links escape them with url.PathEscape, and
// the handlers take the ID from the escaped path after the prefix (see
// pathID), so "/flows/a%2Fb" and "/flows/a/b" both name the flow "a/b".
func registerRoutes(e *echo.Echo, h *handler) {
	e.GET("/", h.dashboardShow)
	e.GET("/search", h.searchList)
	e.GET("/flows/*", h.flowShow)
	e.GET("/events/*", h.eventShow)
	e.GET("/services", h.comingShow("Services", "/services",
		"The service map the events reveal: service → event type → topic → consumer."))
	e.GET("/live", h.comingShow("Live", "/live",
		"A live tail of arriving events, filterable."))

	api := e.Group("/api")
	api.GET("/flows", h.apiFlowList)
	api.GET("/flows/*", h.apiFlowShow)
	api.GET("/events/*", h.apiEventShow)
	api.GET("/stats", h.apiStatsShow)

	e.GET("/healthz", h.healthCheck)
	e.GET("/readyz", h.readyCheck)
	if h.metrics != nil {
		e.GET("/metrics", echo.WrapHandler(h.metrics))
	}
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
}
