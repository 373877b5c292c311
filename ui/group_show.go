package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// groupShow is the /groups/{name} page: the group's lag in records and in
// time, its last hour, and its partitions with the records it waits on.
func (h *handler) groupShow(c echo.Context) error {
	name, err := idParam(c)
	if err != nil {
		return err
	}
	d, err := h.groupDetail(c.Request().Context(), name)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, groupPage(pageMeta{Title: "Group " + name, Active: "/groups"}, groupPageViewOf(d)))
}
