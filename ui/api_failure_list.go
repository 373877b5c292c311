package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiFailureList is GET /api/failures: the failed and dead-lettered
// records grouped by type and normalised reason (see groupFailures),
// filtered by service, topic, state, from, to and since.
func (h *handler) apiFailureList(c echo.Context) error {
	f, err := failureFilterOf(c, h.now())
	if err != nil {
		return err
	}
	out, err := h.loadFailures(c.Request().Context(), f)
	if errors.Is(err, errNoFailures) {
		return echo.NewHTTPError(http.StatusNotImplemented, err.Error())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
