package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// redriveGroupShow is GET /failures/redrive/group?type=&reason= (the
// normalised reason, as /api/failures gives it): the confirmation page of
// a group redrive, listing each dead letter of the group (the newest
// GroupMax) with exactly what its redrive would produce.
func (h *handler) redriveGroupShow(c echo.Context) error {
	user, err := h.operator(c)
	if err != nil {
		return err
	}
	au, err := h.redriveAudit()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	typ, reason := c.QueryParam("type"), c.QueryParam("reason")
	coords, more, err := h.groupDeadLetters(ctx, typ, reason, h.redrive.groupMax())
	if err != nil {
		return err
	}
	v := redriveGroupView{Type: typ, Reason: reason, Skipped: more}
	var listed []string
	for _, at := range coords {
		e, err := h.deadLetter(ctx, at.String())
		if err != nil {
			return err
		}
		rv := redriveGroupRecordView{Record: at.String()}
		if rec, perr := h.redrive.Origins.Plan(e, user); perr != nil {
			rv.Problem = perr.Error()
		} else {
			rv.Plan = redrivePlanViewOf(rec)
			prev, err := redrivenBefore(ctx, au, at)
			if err != nil {
				return err
			}
			if prev != nil {
				rv.Before = prev.User + " at " + fmtTime(prev.At)
			}
		}
		listed = append(listed, rv.Record)
		v.Records = append(v.Records, rv)
	}
	v.Token = h.confirmToken(user, groupToken(typ, reason, listed))
	return render(c, http.StatusOK, redriveGroupPage(pageMeta{Title: "Redrive " + groupTitle(typ, reason), Active: "/failures"}, v))
}
