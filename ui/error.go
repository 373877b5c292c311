package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// handleError is echo's HTTPErrorHandler: the one place errors become
// responses. store.ErrNotFound is 404; a store.QueryError or
// store.ErrBadCursor is 400; echo.HTTPError keeps its status (400 for bad
// input); errFlowBusy is 503 with Retry-After (not logged: it is load
// shedding); anything else is 500 and logged here, once. /api/ paths get
// {"error": "..."}, pages get the HTML error page.
func (h *handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		h.log.Warn("error after response started", "method", c.Request().Method,
			"path", c.Request().URL.Path, "error", err)
		return
	}
	status, msg := classify(err)
	busy := errors.Is(err, errFlowBusy)
	if busy {
		c.Response().Header().Set("Retry-After", flowBusyRetryAfter)
	}
	if status >= 500 && !busy {
		h.log.Error("request failed", "method", c.Request().Method,
			"path", c.Request().URL.Path, "status", status, "error", err)
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(status)
	case isAPI(c):
		werr = c.JSON(status, map[string]string{"error": msg})
	default:
		// A deadline middleware (ui/auth's request timeout) has cancelled
		// the request's context by the time echo calls this; templ would
		// stop at once and leave the page empty.
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithoutCancel(r.Context())))
		werr = render(c, status, ErrorPage(errorView{Status: status, Title: http.StatusText(status), Message: msg}))
	}
	if werr != nil {
		h.log.Warn("write error response", "path", c.Request().URL.Path, "error", werr)
	}
}

// classify maps an error to a status and a message safe to show.
func classify(err error) (int, string) {
	var he *echo.HTTPError
	var qe *store.QueryError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.As(err, &qe):
		return http.StatusBadRequest, "bad query: " + qe.Error()
	case errors.Is(err, store.ErrBadCursor):
		return http.StatusBadRequest, "bad cursor: pass back a next_cursor the server gave"
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		if s, ok := he.Message.(string); ok && s != "" && (he.Code < 500 || he.Code == http.StatusServiceUnavailable) {
			msg = s
		}
		if msg == http.StatusText(he.Code) { // echo's own "Not Found"
			msg = strings.ToLower(msg)
		}
		if msg == "" {
			msg = "error"
		}
		return he.Code, msg
	default:
		return http.StatusInternalServerError, "internal server error"
	}
}

// isAPI reports whether the request is for the JSON API.
func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/api"
}

// badRequest is the error for invalid input: a 400 with msg.
func badRequest(msg string) error { return echo.NewHTTPError(http.StatusBadRequest, msg) }
