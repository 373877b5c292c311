package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// compareShow is GET /compare?a=&b=: flows a and b side by side with
// their structural difference; b=typical (or no b) compares a with a
// typical flow of the same root type (see typicalFlow).
func (h *handler) compareShow(c echo.Context) error {
	p, err := parseCompareParams(c)
	if err != nil {
		return err
	}
	cmp, err := h.loadComparison(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, comparePage(pageMeta{Title: "Compare " + cmp.AID + " with " + cmp.BID}, buildCompareView(cmp)))
}
