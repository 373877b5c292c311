package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// redriveShow is GET /failures/redrive?record=topic/partition/offset: the
// confirmation page, showing exactly what a redrive would produce, with
// the form that POSTs it (operators only).
func (h *handler) redriveShow(c echo.Context) error {
	user, au, e, err := h.redriveTarget(c, c.QueryParam("record"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := redriveView{Record: e.Coordinates(), FlowURL: FlowURL(e.FlowID())}
	rec, perr := h.redrive.Origins.Plan(e, user)
	if perr != nil {
		v.Problem = perr.Error()
	} else {
		v.Plan = redrivePlanViewOf(rec)
		v.Token = h.confirmToken(user, rec.From.String())
		prev, err := redrivenBefore(ctx, au, rec.From)
		if err != nil {
			return err
		}
		if prev != nil {
			v.Before = prev.User + " at " + fmtTime(prev.At) + " (" + prev.Detail + ")"
		}
	}
	return render(c, http.StatusOK, redrivePage(pageMeta{Title: "Redrive " + v.Record, Active: "/failures"}, v))
}
