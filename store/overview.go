package store

import (
	"context"
	"sort"
	"time"

	"github.com/eventscope/eventscope/diagnose"
)

// Overview is an optional interface a Reader may also implement: the
// dashboard's flow sections (flows per anomaly kind, status counts), each
// in one pass over what the store keeps per flow, instead of one Flows
// call per section and kind. The UI finds it with a type assertion; a
// store without it is asked through Flows. Both answers are what Flows
// gives at the time of reading (the conformance suite compares them).
type Overview interface {
	// KindFlows returns, for every anomaly kind that some flow with events
	// at or after since shows, the newest of those flows (the Flows order
	// of FlowQuery{From: since, Terms: anomaly:kind}), at most n per kind.
	// Kinds no such flow shows are left out.
	KindFlows(ctx context.Context, since time.Time, n int) (map[string][]FlowSummary, error)
	// StatusCounts counts the statuses of the newest n flows with events at
	// or after since (the first n of FlowQuery{From: since}).
	StatusCounts(ctx context.Context, since time.Time, n int) (StatusCounts, error)
}

// StatusCounts are the statuses of a sample of flows.
type StatusCounts struct {
	Flows    int            // flows counted
	Statuses map[string]int // flows per status (only statuses some flow has)
	// Failures counts the failed and compensated flows per deciding
	// failure (FlowSummary.FailedType and Reason), most first (ties: type,
	// then reason).
	Failures []FailureCount
}

// FailureCount is how many flows one kind of failure decided.
type FailureCount struct {
	Type, Reason string
	Flows        int
}

// StatusCountsOf counts the statuses of flows: the reference of
// Overview.StatusCounts, and what the UI computes for a store without it.
func StatusCountsOf(flows []FlowSummary) StatusCounts {
	out := StatusCounts{Flows: len(flows), Statuses: map[string]int{}}
	fails := map[FailureCount]int{}
	for _, f := range flows {
		out.Statuses[f.Status]++
		if f.Status == diagnose.StatusFailed || f.Status == diagnose.StatusCompensated {
			fails[FailureCount{Type: f.FailedType, Reason: f.Reason}]++
		}
	}
	for k, n := range fails {
		k.Flows = n
		out.Failures = append(out.Failures, k)
	}
	SortFailureCounts(out.Failures)
	return out
}

// SortFailureCounts puts failure counts in StatusCounts' order.
func SortFailureCounts(fs []FailureCount) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Flows != b.Flows {
			return a.Flows > b.Flows
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Reason < b.Reason
	})
}
