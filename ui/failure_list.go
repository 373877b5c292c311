package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// auditShown is how many audit entries /failures shows.
const auditShown = 50

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
		es, err := au.AuditLog(c.Request().Context(), store.AuditQuery{Limit: auditShown})
		if err != nil {
			return err
		}
		v.HasAudit = true
		for _, a := range es {
			v.Audit = append(v.Audit, auditRowViewOf(a))
		}
	}
	return render(c, http.StatusOK, failuresPage(pageMeta{Title: "Failures", Active: "/failures"}, v))
}
