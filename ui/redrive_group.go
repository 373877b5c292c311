package ui

import (
	"context"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// redriveGroupView is the confirmation page of a group redrive.
type redriveGroupView struct {
	Type, Reason string
	Records      []redriveGroupRecordView // what would be produced, one per record
	Skipped      int                      // records of the group past GroupMax (a later run takes them)
	Token        string
}

// redriveGroupRecordView is one dead letter of the group and what its
// redrive would produce, or why it would not.
type redriveGroupRecordView struct {
	Record  string
	Plan    redrivePlanView
	Problem string // cannot be redriven
	Before  string // already redriven (skipped unless forced)
}

// groupTitle names a group on the redrive pages.
func groupTitle(typ, reason string) string {
	if reason == "" {
		return typ
	}
	return typ + ": " + reason
}

// groupDeadLetters returns the dead letters of the failure group (type,
// normalised reason), newest first, at most max of them, and how many more
// the group has.
func (h *handler) groupDeadLetters(ctx context.Context, typ, reason string, max int) ([]store.Coord, int, error) {
	fs, ok := capability[store.Failures](h.store)
	if !ok {
		return nil, 0, echo.NewHTTPError(http.StatusNotImplemented, errNoFailures.Error())
	}
	recs, err := fs.FailedRecords(ctx, store.FailureQuery{Limit: failureLimit})
	if err != nil {
		return nil, 0, err
	}
	var out []store.Coord
	more := 0
	for i := range recs {
		r := &recs[i]
		if !r.DeadLetter || r.Type != typ || diagnose.NormalizeReason(r.Reason) != reason {
			continue
		}
		if len(out) == max {
			more++
			continue
		}
		out = append(out, r.Coord)
	}
	if len(out) == 0 {
		return nil, 0, echo.NewHTTPError(http.StatusNotFound, "no dead letter in the failure group "+groupTitle(typ, reason))
	}
	return out, more, nil
}

// groupToken is what a group confirmation binds: the group and exactly
// the records it listed.
func groupToken(typ, reason string, recs []string) string {
	return "group\x00" + typ + "\x00" + reason + "\x00" + strings.Join(recs, "\x00")
}

// tokenOK compares a posted confirmation token with the expected one.
func tokenOK(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

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
