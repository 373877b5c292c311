package ui

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// redriveGroupCreate is POST /failures/redrive/group (form: type, reason,
// record (each one the confirmation listed), token, dry_run, force): it
// redrives each listed record that is still a dead letter of the group,
// like one redrive each (skipped when redriven before unless forced,
// rate-limited, every attempt audited with the group in its detail). 409
// when none was produced because all had been.
func (h *handler) redriveGroupCreate(c echo.Context) error {
	user, err := h.operator(c)
	if err != nil {
		return err
	}
	au, err := h.redriveAudit()
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return badRequest(err.Error())
	}
	typ, reason, listed := c.FormValue("type"), c.FormValue("reason"), form["record"]
	if len(listed) == 0 || len(listed) > h.redrive.groupMax() ||
		!tokenOK(c.FormValue("token"), h.confirmToken(user, groupToken(typ, reason, listed))) {
		return echo.NewHTTPError(http.StatusForbidden, "missing or stale confirmation: open the group redrive page again")
	}
	ctx := c.Request().Context()
	group, _, err := h.groupDeadLetters(ctx, typ, reason, failureLimit)
	if err != nil {
		return err
	}
	var evs []*event.Event
	for _, raw := range listed {
		at, err := store.ParseCoord(raw)
		if err != nil || !slices.Contains(group, at) {
			return echo.NewHTTPError(http.StatusConflict, raw+" is not a dead letter of the group "+groupTitle(typ, reason))
		}
		e, err := h.deadLetter(ctx, raw)
		if err != nil {
			return err
		}
		evs = append(evs, e)
	}
	h.redriveRun.mu.Lock()
	defer h.redriveRun.mu.Unlock()
	title := groupTitle(typ, reason)
	v := redriveDoneView{Title: title, Result: ResultRefused}
	status := http.StatusConflict
	for _, e := range evs {
		st, entry, err := h.redriveOne(ctx, au, redriveRequest{User: user, Event: e, Force: c.FormValue("force") != "",
			DryRun: c.FormValue("dry_run") != "", Note: "group " + title + ": "})
		if err != nil {
			return err
		}
		if st == http.StatusOK || status == http.StatusConflict && st != http.StatusConflict {
			status, v.Result = st, entry.Result
		}
		v.Entries = append(v.Entries, auditRowViewOf(entry))
	}
	return render(c, status, redriveDonePage(pageMeta{Title: "Redrive " + title, Active: "/failures"}, v))
}
