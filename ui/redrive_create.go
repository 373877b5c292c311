package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

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
	from := store.Coord{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset}
	if !tokenOK(c.FormValue("token"), h.confirmToken(user, from.String())) {
		return echo.NewHTTPError(http.StatusForbidden, "missing or stale confirmation: open the redrive page again")
	}
	h.redriveRun.mu.Lock()
	defer h.redriveRun.mu.Unlock()
	status, entry, err := h.redriveOne(c.Request().Context(), au, redriveRequest{User: user, Event: e,
		Force: c.FormValue("force") != "", DryRun: c.FormValue("dry_run") != ""})
	if err != nil {
		return err
	}
	return render(c, status, redriveDonePage(pageMeta{Title: "Redrive " + from.String(), Active: "/failures"},
		redriveDoneView{Entries: []auditRowView{auditRowViewOf(entry)}, Result: entry.Result, FlowURL: FlowURL(e.FlowID())}))
}
