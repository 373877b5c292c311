package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// failureList is the /failures page: the failures inbox.
func (h *handler) failureList(c echo.Context) error {
	f, err := failureFilterOf(c, h.now())
	if err != nil {
		return err
	}
	out, err := h.loadFailures(c.Request().Context(), f)
	v := failuresViewOf(f, out)
	if errors.Is(err, errNoFailures) {
		v.Unavailable = err.Error()
	} else if err != nil {
		return err
	}
	return render(c, http.StatusOK, failuresPage(pageMeta{Title: "Failures", Active: "/failures"}, v))
}
