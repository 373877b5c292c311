package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// recordShow is GET /records/{topic}/{partition}/{offset}: a permalink to
// any record, which redirects (303) to the page of its event; 404 with a
// plain message when the record is not stored.
func (h *handler) recordShow(c echo.Context) error {
	raw, _ := strings.CutPrefix(c.Request().URL.EscapedPath(), "/records/")
	parts := strings.Split(raw, "/")
	if len(parts) != 3 {
		return badRequest("want /records/{topic}/{partition}/{offset}")
	}
	topic, err := url.PathUnescape(parts[0])
	if err != nil || topic == "" {
		return badRequest("bad topic in path")
	}
	p, err := strconv.ParseInt(parts[1], 10, 32)
	if err != nil || p < 0 {
		return badRequest(fmt.Sprintf("bad partition %q: want a number", parts[1]))
	}
	off, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || off < 0 {
		return badRequest(fmt.Sprintf("bad offset %q: want a number", parts[2]))
	}
	where := fmt.Sprintf("%s[%d]@%d", topic, p, off)
	ps, ok := h.store.(store.Positions)
	if !ok {
		return c.String(http.StatusNotFound, "record "+where+" cannot be looked up: the store does not index records by offset\n")
	}
	refs, err := ps.Records(c.Request().Context(), []store.Coord{{Topic: topic, Partition: int32(p), Offset: off}})
	if err != nil {
		return fmt.Errorf("record %s: %w", where, err)
	}
	if len(refs) == 0 {
		return c.String(http.StatusNotFound, "record "+where+" is not stored (not tapped, not yet ingested, or past retention)\n")
	}
	return c.Redirect(http.StatusSeeOther, EventURL(refs[0].EventID))
}
