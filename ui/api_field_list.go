package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// fieldSample is how many of a type's newest events /api/fields decodes.
const fieldSample = 500

// apiFieldList is GET /api/fields?type=X: the payload field paths of the
// newest events of type X with their kinds and how many of the sampled
// events have each (store.TypeFields). 501 when the store cannot list
// fields.
func (h *handler) apiFieldList(c echo.Context) error {
	typ := c.QueryParam("type")
	if typ == "" {
		return badRequest("type is required: /api/fields?type=OrderPlaced")
	}
	fl, ok := capability[store.FieldLister](h.store)
	if !ok {
		return echo.NewHTTPError(http.StatusNotImplemented, "this store cannot list payload fields")
	}
	out, err := fl.TypeFields(c.Request().Context(), typ, fieldSample)
	if err != nil {
		return fmt.Errorf("list fields: %w", err)
	}
	return c.JSON(http.StatusOK, out)
}
