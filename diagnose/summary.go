package diagnose

import (
	"cmp"
	"slices"
	"time"
)

// Summary is what a store keeps of one flow for search, lists and the
// dashboard, computed from the flow's Steps with Summarize.
//
// Time: everything in it but StallAt is true whatever the clock says.
// Whether the flow is stalled or in progress depends on "now", so the
// summary does not say it: it gives StallAt, the time after which the flow
// is stalled if nothing more arrives, and a store keeps the summary and
// decides at read time (Status, KindList). When a new record of the flow
// arrives the summary must be computed again (it may meet an expectation).
// slow_hop and learned stalls depend on the Baseline the Config had when it
// was computed.
type Summary struct {
	// Kinds counts the anomalies of each kind (stalled is never in it).
	Kinds map[string]int `json:"kinds"`
	// Base is the status without a clock: failed, compensated, recovered
	// or ok.
	Base string `json:"base"`
	// Reason and FailedType are the reason and type of the failure that
	// decided a failed or compensated flow.
	Reason     string `json:"reason,omitempty"`
	FailedType string `json:"failed_type,omitempty"`
	// StallAt: see the type's doc. Zero: nothing is expected.
	StallAt time.Time `json:"stall_at"`
}

// Summarize runs the rules over the steps of one flow, in any order, and
// returns its summary. It equals what Analyze reports on the same steps in
// store order.
func (c *Config) Summarize(steps []Step) Summary {
	sorted := slices.Clone(steps)
	slices.SortStableFunc(sorted, func(a, b Step) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Where, b.Where))
	})
	r := c.Analyze(sorted, time.Time{})
	return r.Summary()
}

// Summary reduces a report made without a clock to a Summary.
func (r *Report) Summary() Summary {
	s := Summary{Kinds: map[string]int{}, StallAt: r.StallAt}
	for _, a := range r.Anomalies {
		if a.Kind != Stalled {
			s.Kinds[a.Kind]++
		}
	}
	var i int
	if s.Base, i = status(r.Failures, time.Time{}, time.Time{}); i >= 0 {
		s.Reason, s.FailedType = r.Failures[i].Reason, r.Failures[i].Type
	}
	return s
}

// Status is the flow's status at time now (see the type's doc).
func (s Summary) Status(now time.Time) string {
	if s.Base == StatusFailed || s.Base == StatusCompensated || s.StallAt.IsZero() {
		return s.Base
	}
	if now.After(s.StallAt) {
		return StatusStalled
	}
	return StatusInProgress
}

// Stalled reports whether the flow is stalled at now: an expected
// follow-up is overdue (whatever its status).
func (s Summary) Stalled(now time.Time) bool {
	return !s.StallAt.IsZero() && now.After(s.StallAt)
}

// KindList returns the sorted kinds the flow shows at now (never nil).
func (s Summary) KindList(now time.Time) []string {
	out := []string{}
	for k, n := range s.Kinds {
		if n > 0 {
			out = append(out, k)
		}
	}
	if s.Stalled(now) {
		out = append(out, Stalled)
	}
	slices.Sort(out)
	return out
}
