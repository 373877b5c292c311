package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// comingShow is the placeholder for a page of a later version.
func (h *handler) comingShow(title, path, what string) echo.HandlerFunc {
	return func(c echo.Context) error {
		return render(c, http.StatusOK, comingPage(pageMeta{Title: title, Active: path}, what))
	}
}
