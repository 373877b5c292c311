package ui

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthCheck is GET /healthz: 200 while the process serves HTTP.
func (h *handler) healthCheck(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyCheck is GET /readyz: 200 once Ready returns nil, else 503 with the
// reason.
func (h *handler) readyCheck(c echo.Context) error {
	if h.ready != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		defer cancel()
		if err := h.ready(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": err.Error()})
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
