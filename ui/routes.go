package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/static"
)

// registerRoutes is the one place that maps URLs to handlers.
//
// Flow and event IDs may contain "/" (derived IDs are topic/partition/offset)
// and other reserved characters; links escape them with url.PathEscape, and
// the handlers take the ID from the escaped path after the prefix (see
// pathID), so "/flows/a%2Fb" and "/flows/a/b" both name the flow "a/b".
//
// Every route answers GET and HEAD (net/http drops the body of a HEAD).
func registerRoutes(e *echo.Echo, h *handler) {
	get := func(path string, f echo.HandlerFunc) { e.Match(readMethods, path, f) }
	get("/", h.dashboardShow)
	get("/search", h.searchList)
	// the flow page (?event= ?expand= ?from=&to=), its replay (/flows/{id}/replay)
	// or its export (/flows/{id}/export?format=dot|mermaid|json, see flowShow)
	get("/flows/*", h.flowRoute)
	get("/events/*", h.eventShow)
	get("/services", h.servicesShow)
	get("/live", h.liveShow)

	get("/api/flows", h.apiFlowSearch)
	get("/api/flows/*", h.apiFlowRoute) // the flow, or its replay steps
	get("/api/events/*", h.apiEventShow)
	get("/api/stats", h.apiStatsShow)
	get("/api/services", h.apiServicesShow)
	get("/api/live", h.apiLiveStream)

	get("/healthz", h.healthCheck)
	get("/readyz", h.readyCheck)
	if h.metrics != nil {
		get("/metrics", echo.WrapHandler(h.metrics))
	}
	get(static.Prefix+"*", echo.WrapHandler(static.Handler()))
}

var readMethods = []string{http.MethodGet, http.MethodHead}
