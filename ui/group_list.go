package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// groupList is the /groups page: every consumer group, the furthest
// behind in time first.
func (h *handler) groupList(c echo.Context) error {
	s := h.groupsState()
	gs, err := h.allGroups(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, groupListPage(pageMeta{Title: "Consumer groups", Active: "/groups"},
		groupListViewOf(gs, s.err, asOf(s.snap.At))))
}
