package ui

import (
	"context"
	"fmt"
	"sort"
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
// groups their failures by type and reason, most frequent first.
func (h *handler) statusCounts(ctx context.Context, now time.Time) ([]statusCountView, []failureGroupView, int, error) {
	page, err := h.store.Flows(ctx, store.FlowQuery{Limit: statusSample, From: now.Add(-anomalyWindow)})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("count flow statuses: %w", err)
	}
	count := map[string]int{}
	type key struct{ typ, reason string }
	fails := map[key]int{}
	for _, f := range page.Flows {
		count[f.Status]++
		if f.Status == diagnose.StatusFailed || f.Status == diagnose.StatusCompensated {
			fails[key{f.FailedType, f.Reason}]++
		}
	}
	var sc []statusCountView
	for _, s := range diagnose.Statuses() {
		sc = append(sc, statusCountView{Name: s.Name, Title: s.Title, Class: s.Class, Text: s.Text,
			Count: count[s.Name], URL: SearchURL("status:" + s.Name + " after:-24h")})
	}
	var fg []failureGroupView
	for k, n := range fails {
		fg = append(fg, failureGroupView{Type: k.typ, Reason: k.reason, Count: n,
			URL: SearchURL("status:failed type:" + k.typ + " after:-24h")})
	}
	sort.Slice(fg, func(i, j int) bool {
		if fg[i].Count != fg[j].Count {
			return fg[i].Count > fg[j].Count
		}
		return fg[i].Type+"\x00"+fg[i].Reason < fg[j].Type+"\x00"+fg[j].Reason
	})
	return sc, fg, len(page.Flows), nil
}
