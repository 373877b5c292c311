package ui

import (
	"crypto/subtle"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/redrive"
	"github.com/eventscope/eventscope/store"
)

// redriveCreate is POST /failures/redrive (form: record, token from the
// confirmation page, dry_run, force): it re-publishes the dead-lettered
// record to its original topic, once (a second redrive of the same
// record is 409 unless forced), and writes every attempt to the audit log.
// The auth middleware already refused cross-origin POSTs.
func (h *handler) redriveCreate(c echo.Context) error {
	user, au, e, err := h.redriveTarget(c, c.FormValue("record"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	from := store.Coord{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset}
	if subtle.ConstantTimeCompare([]byte(c.FormValue("token")), []byte(h.confirmToken(user, from))) != 1 {
		return echo.NewHTTPError(http.StatusForbidden, "missing or stale confirmation: open the redrive page again")
	}
	entry := store.AuditEntry{At: h.now().UTC(), User: user, Action: ActionRedrive, Target: from.String()}
	finish := func(status int, result, detail string) error {
		entry.Result, entry.Detail = result, detail
		if err := au.WriteAudit(ctx, entry); err != nil {
			return fmt.Errorf("redrive %s: audit: %w", from, err)
		}
		return render(c, status, redriveDonePage(pageMeta{Title: "Redrive " + from.String(), Active: "/failures"},
			redriveDoneView{Entry: auditRowViewOf(entry), FlowURL: FlowURL(e.FlowID())}))
	}
	rec, err := redrive.Plan(e, user)
	if err != nil {
		return finish(http.StatusUnprocessableEntity, ResultRefused, err.Error())
	}
	if c.FormValue("force") == "" {
		prev, err := redrivenBefore(ctx, au, from)
		if err != nil {
			return err
		}
		if prev != nil {
			return finish(http.StatusConflict, ResultRefused, "already redriven by "+prev.User+" at "+fmtTime(prev.At)+": force to redrive again")
		}
	}
	if c.FormValue("dry_run") != "" {
		return finish(http.StatusOK, ResultDryRun, fmt.Sprintf("would produce to %s (%d bytes, %d headers)", rec.Topic, len(rec.Value), len(rec.Headers)))
	}
	at, err := h.redrive.Producer.Produce(ctx, rec)
	if err != nil {
		h.log.Error("redrive", "record", from.String(), "user", user, "err", err)
		return finish(http.StatusBadGateway, ResultError, err.Error())
	}
	return finish(http.StatusOK, ResultOK, "produced as "+at.String())
}
