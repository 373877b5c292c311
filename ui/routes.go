package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/static"
)

// registerRoutes is the one place that maps URLs to handlers. A page of
// one flow, /flows/{id}/x, is one line here and one handler that reads the
// ID with idParam.
//
// Flow and event IDs may contain "/" (derived IDs are topic/partition/offset)
// and other reserved characters; links escape them with url.PathEscape, so
// "/flows/a%2Fb" names the flow "a/b" and "/flows/a%2Fb/replay" its replay.
// An ID typed with a literal "/" reaches the flow or event it names through
// the catch-all routes (/flows/*, /events/*, ...): "/flows/a/b" is the flow
// "a/b"; its replay and export need the escaped form, as the links give it.
//
// Every route answers GET and HEAD (net/http drops the body of a HEAD).
func registerRoutes(e *echo.Echo, h *handler) {
	get := func(path string, f echo.HandlerFunc) { e.Match(readMethods, path, f) }
	get("/", h.dashboardShow)
	get("/search", h.searchList)
	get("/flows/:id", h.flowShow)          // ?event= ?expand= ?members= ?from=&to= ?timeline=lanes
	get("/flows/:id/replay", h.replayShow) // ?step= ?at= ?order= ?entity= ?future=
	get("/flows/:id/export", h.exportShow) // ?format=dot|mermaid|json
	get("/flows/*", h.flowShow)            // an ID with a literal "/"
	get("/events/*", h.eventShow)          // any ID, "/" escaped or not
	get("/compare", h.compareShow)         // ?a=&b= (b=typical: a typical flow of a's root type)
	get("/services", h.servicesShow)
	get("/live", h.liveShow)
	get("/groups", h.groupList)
	get("/failures", h.failureList) // ?service= ?topic= ?state= ?since= ?from=&to=
	if h.redrive != nil {
		get("/failures/redrive", h.redriveShow) // ?record=topic/partition/offset: the confirmation
		e.POST("/failures/redrive", h.redriveCreate)
		get("/failures/redrive/group", h.redriveGroupShow) // ?type=&reason= (normalised): the confirmation
		e.POST("/failures/redrive/group", h.redriveGroupCreate)
	}
	get("/groups/*", h.groupShow)
	get("/records/*", h.recordShow) // /records/{topic}/{partition}/{offset}: 303 to its event

	get("/api/flows", h.apiFlowSearch)
	get("/api/flows/:id", h.apiFlowShow)
	get("/api/flows/:id/replay", h.apiReplayShow) // ?order= ?entity= ?state=
	get("/api/flows/*", h.apiFlowShow)
	get("/api/events/*", h.apiEventShow)
	get("/api/compare", h.apiCompareShow)
	get("/api/stats", h.apiStatsShow)
	get("/api/services", h.apiServicesShow)
	get("/api/live", h.apiLiveStream)
	get("/api/groups", h.apiGroupList)
	get("/api/failures", h.apiFailureList)
	get("/api/fields", h.apiFieldList)
	get("/api/groups/*", h.apiGroupShow)

	get("/healthz", h.healthCheck)
	get("/readyz", h.readyCheck)
	if h.metrics != nil {
		get("/metrics", echo.WrapHandler(h.metrics))
	}
	get("/favicon.ico", echo.WrapHandler(static.Favicon()))
	get(static.Prefix+"*", echo.WrapHandler(static.Handler()))
}

var readMethods = []string{http.MethodGet, http.MethodHead}
