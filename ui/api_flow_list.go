package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// apiFlowList is GET /api/flows?q=&from=&to=&limit=&cursor=: flow summaries,
// newest first. q is the search language (store.ParseQuery: a bare token
// is an exact flow ID, event ID or key; empty or "*" lists all flows).
// from/to are RFC 3339 times and override q's after:/before:.
func (h *handler) apiFlowList(c echo.Context) error {
	fq, err := h.parseFlowQuery(c)
	if err != nil {
		return err
	}
	page, err := h.store.Flows(c.Request().Context(), fq)
	if err != nil {
		return fmt.Errorf("list flows: %w", err)
	}
	if err := h.markTruncated(c.Request().Context(), fq, page.Flows); err != nil {
		return fmt.Errorf("list flows: %w", err)
	}
	if page.Flows == nil {
		page.Flows = []store.FlowSummary{}
	}
	for i := range page.Flows {
		f := &page.Flows[i]
		f.Services, f.Types, f.Anomalies = nonNil(f.Services), nonNil(f.Types), nonNil(f.Anomalies)
		f.FirstTime, f.LastTime = f.FirstTime.UTC(), f.LastTime.UTC()
	}
	return c.JSON(http.StatusOK, page)
}

// parseFlowQuery reads the flow-list parameters; bad ones are a 400.
func (h *handler) parseFlowQuery(c echo.Context) (store.FlowQuery, error) {
	fq, err := parseSearch(c.QueryParam("q"), h.now())
	if err != nil {
		return fq, err
	}
	fq.Cursor = c.QueryParam("cursor")
	from, err := parseTime(c, "from")
	if err != nil {
		return fq, err
	}
	to, err := parseTime(c, "to")
	if err != nil {
		return fq, err
	}
	if !from.IsZero() {
		fq.From = from
	}
	if !to.IsZero() {
		fq.To = to
	}
	if !fq.From.IsZero() && !fq.To.IsZero() && !fq.From.Before(fq.To) {
		return fq, badRequest("from must be before to")
	}
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxLimit {
			return fq, badRequest(fmt.Sprintf("limit must be an integer from 1 to %d, not %q", store.MaxLimit, s))
		}
		fq.Limit = n
	}
	return fq, nil
}

// parseSearch parses q with store.ParseQuery; "" and "*" are all flows.
// A parse error is a *store.QueryError, which handleError makes a 400.
func parseSearch(q string, now time.Time) (store.FlowQuery, error) {
	q = strings.TrimSpace(q)
	if q == "" || q == "*" {
		return store.FlowQuery{}, nil
	}
	fq, err := store.ParseQuery(q, now)
	if err != nil {
		return fq, fmt.Errorf("parse query %q: %w", q, err)
	}
	return fq, nil
}

// parseTime reads an RFC 3339 time parameter; empty is the zero time.
func parseTime(c echo.Context, name string) (time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, badRequest(fmt.Sprintf("%s must be an RFC 3339 time like 2026-01-02T15:04:05Z, not %q", name, s))
	}
	return t, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
