package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// statusCountView is how many of the newest flows are in one status.
type statusCountView struct {
	Name, Title, Class, Text, URL string
	Count                         int
}

// failureGroupView is the failed or compensated flows whose deciding
// failure has one type and reason.
type failureGroupView struct {
	Type, Reason, URL string
	Count             int
}

// statusSample is how many of the newest flows the status counts cover.
const statusSample = store.MaxLimit

// statusCounts counts the statuses of the newest flows active in the last
// anomalyWindow (at most statusSample of them: Sampled says so), and
// groups their failures by type and reason, most frequent first: in one
// query when the store has store.Overview, else from a page of Flows.
func (h *handler) statusCounts(ctx context.Context, now time.Time) ([]statusCountView, []failureGroupView, int, error) {
	from := now.Add(-anomalyWindow)
	var counts store.StatusCounts
	if ov, ok := h.store.(store.Overview); ok {
		var err error
		if counts, err = ov.StatusCounts(ctx, from, statusSample); err != nil {
			return nil, nil, 0, fmt.Errorf("count flow statuses: %w", err)
		}
	} else {
		page, err := h.store.Flows(ctx, store.FlowQuery{Limit: statusSample, From: from})
		if err != nil {
			return nil, nil, 0, fmt.Errorf("count flow statuses: %w", err)
		}
		counts = store.StatusCountsOf(page.Flows)
	}
	var sc []statusCountView
	for _, s := range diagnose.Statuses() {
		sc = append(sc, statusCountView{Name: s.Name, Title: s.Title, Class: s.Class, Text: s.Text,
			Count: counts.Statuses[s.Name], URL: SearchURL("status:" + s.Name + " after:-24h")})
	}
	var fg []failureGroupView
	for _, f := range counts.Failures {
		fg = append(fg, failureGroupView{Type: f.Type, Reason: f.Reason, Count: f.Flows,
			URL: SearchURL("status:failed type:" + f.Type + " after:-24h")})
	}
	return sc, fg, counts.Flows, nil
}
