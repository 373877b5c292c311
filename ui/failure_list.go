package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// auditShown and alertsShown are how many redrive and alert entries of the
// audit log /failures shows.
const (
	auditShown  = 50
	alertsShown = 20
)

// failureList is the /failures page: the failures inbox.
func (h *handler) failureList(c echo.Context) error {
	f, err := failureFilterOf(c, h.now())
	if err != nil {
		return err
	}
	out, err := h.loadFailures(c.Request().Context(), f)
	v := failuresViewOf(f, out, h.redrive != nil)
	if errors.Is(err, errNoFailures) {
		v.Unavailable = err.Error()
	} else if err != nil {
		return err
	}
	if au, ok := capability[store.Audit](h.store); ok {
		v.HasAudit = true
		ctx := c.Request().Context()
		for _, q := range []struct {
			action string
			limit  int
			rows   *[]auditRowView
		}{{ActionRedrive, auditShown, &v.Audit}, {ActionAlert, alertsShown, &v.Alerts}} {
			es, err := au.AuditLog(ctx, store.AuditQuery{Action: q.action, Limit: q.limit})
			if err != nil {
				return err
			}
			for _, a := range es {
				*q.rows = append(*q.rows, auditRowViewOf(a))
			}
		}
	}
	return render(c, http.StatusOK, failuresPage(pageMeta{Title: "Failures", Active: "/failures"}, v))
}
