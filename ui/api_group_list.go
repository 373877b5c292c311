package ui

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// groupsJSON is the body of GET /api/groups.
type groupsJSON struct {
	Groups []groupJSON `json:"groups"`
	// AsOf is when the positions were read (empty before the first poll).
	AsOf string `json:"as_of"`
	// Error is "consumer positions unavailable: <reason>" when the latest
	// poll failed (groups are then the last good poll's) or polling is off.
	Error string `json:"error,omitempty"`
}

// asOf is t in RFC 3339, "" for the zero time (no poll yet).
func asOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmtRFC3339(t)
}

// apiGroupList is GET /api/groups: every consumer group but eventscope's
// own, the furthest behind in time first.
func (h *handler) apiGroupList(c echo.Context) error {
	s := h.groupsState()
	gs, err := h.allGroups(c.Request().Context(), s)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, groupsJSON{Groups: gs, AsOf: asOf(s.snap.At), Error: s.err})
}
