package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// States of a failure group (and of each failed record): stuck (its flow
// still fails), redriven (re-published by eventscope), compensated (the
// flow undid the work: a compensation followed the failure), recovered
// (the work was done after all, or the flow is ok).
const (
	failStuck       = "stuck"
	failRedriven    = "redriven"
	failCompensated = "compensated"
	failRecovered   = "recovered"
)

// failStates are the states, worst first: a group has the worst state
// of its records.
var failStates = []string{failStuck, failRedriven, failCompensated, failRecovered}

// Bounds of the inbox: the records read per request, the sparkline's
// buckets, the sample records and flows shown per group.
const (
	failureLimit   = 20000
	failureBuckets = 24
	failureSample  = 20
)

// failureFilter is what /failures and /api/failures are asked for.
type failureFilter struct {
	Service, Topic, State string
	From, To              time.Time
	Since                 string // the "since" parameter as given (a duration back from now)
}

// failureFilterOf reads service, topic, state, from, to (RFC 3339) and
// since (a Go duration such as 24h: from = now - since).
func failureFilterOf(c echo.Context, now time.Time) (failureFilter, error) {
	f := failureFilter{Service: c.QueryParam("service"), Topic: c.QueryParam("topic"), State: c.QueryParam("state"),
		Since: c.QueryParam("since")}
	if f.State != "" && !slices.Contains(failStates, f.State) {
		return f, badRequest(fmt.Sprintf("state must be stuck, redriven, compensated or recovered, not %q", f.State))
	}
	var err error
	if f.From, err = parseTime(c, "from"); err != nil {
		return f, err
	}
	if f.To, err = parseTime(c, "to"); err != nil {
		return f, err
	}
	if f.Since != "" {
		d, err := time.ParseDuration(f.Since)
		if err != nil || d <= 0 {
			return f, badRequest(fmt.Sprintf("since must be a positive duration like 24h, not %q", f.Since))
		}
		f.From = now.Add(-d)
	}
	return f, nil
}

// failureRecordJSON is one failed record of a group.
type failureRecordJSON struct {
	store.Coord
	EventID    string    `json:"event_id"`
	FlowID     string    `json:"flow_id"`
	Reason     string    `json:"reason"`
	DeadLetter bool      `json:"dead_letter"`
	Time       time.Time `json:"time"`
	State      string    `json:"state"`
}

// failureGroupJSON is one group of failures of one type and normalised reason.
type failureGroupJSON struct {
	Type        string              `json:"type"`
	Reason      string              `json:"reason"`
	Count       int                 `json:"count"`
	DeadLetters int                 `json:"dead_letters"`
	FirstSeen   time.Time           `json:"first_seen"`
	LastSeen    time.Time           `json:"last_seen"`
	State       string              `json:"state"`
	Services    []string            `json:"services"`
	Topics      []string            `json:"topics"`
	Flows       []string            `json:"flows"` // the newest failureSample distinct flows
	Counts      []int64             `json:"counts"`
	Records     []failureRecordJSON `json:"records"` // the newest failureSample records
}

// failuresJSON is the body of GET /api/failures.
type failuresJSON struct {
	Groups []failureGroupJSON `json:"groups"`
	// Truncated: more than failureLimit records matched; the groups count
	// the newest failureLimit.
	Truncated bool      `json:"truncated"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
}

// errNoFailures: the store keeps no failure read model.
var errNoFailures = errors.New("this store does not list failures")

// loadFailures reads and groups the failed records f selects.
func (h *handler) loadFailures(ctx context.Context, f failureFilter) (failuresJSON, error) {
	fs, ok := capability[store.Failures](h.store)
	if !ok {
		return failuresJSON{}, errNoFailures
	}
	recs, err := fs.FailedRecords(ctx, store.FailureQuery{From: f.From, To: f.To, Service: f.Service, Topic: f.Topic,
		Limit: failureLimit + 1})
	if err != nil {
		return failuresJSON{}, err
	}
	out := failuresJSON{Truncated: len(recs) > failureLimit}
	recs = recs[:min(len(recs), failureLimit)]
	out.From, out.To = f.From, f.To
	if out.To.IsZero() {
		out.To = h.now()
	}
	if out.From.IsZero() {
		out.From = out.To.Add(-24 * time.Hour)
		if len(recs) > 0 && recs[len(recs)-1].Time.Before(out.From) {
			out.From = recs[len(recs)-1].Time
		}
	}
	redriven, err := h.redrivenSet(ctx)
	if err != nil {
		return failuresJSON{}, err
	}
	out.Groups = groupFailures(recs, out.From, out.To, redriven)
	if f.State != "" {
		out.Groups = slices.DeleteFunc(out.Groups, func(g failureGroupJSON) bool { return g.State != f.State })
	}
	return out, nil
}

// redrivenSet is the records the audit log says were redriven (empty
// when the store keeps no audit log).
func (h *handler) redrivenSet(ctx context.Context) (map[store.Coord]bool, error) {
	au, ok := capability[store.Audit](h.store)
	if !ok {
		return nil, nil
	}
	es, err := au.AuditLog(ctx, store.AuditQuery{Action: ActionRedrive, Result: ResultOK, Limit: failureLimit})
	if err != nil {
		return nil, fmt.Errorf("redriven records: %w", err)
	}
	out := make(map[store.Coord]bool, len(es))
	for _, e := range es {
		if c, err := store.ParseCoord(e.Target); err == nil {
			out[c] = true
		}
	}
	return out, nil
}

// recordState is the state of one failed record.
func recordState(r *store.FailedRecord, redriven map[store.Coord]bool) string {
	switch {
	case redriven[r.Coord]:
		return failRedriven
	case r.FlowStatus == diagnose.StatusFailed:
		return failStuck
	case r.FlowStatus == diagnose.StatusCompensated:
		return failCompensated
	}
	return failRecovered
}

// groupFailures groups records (newest first) by type and normalised
// reason, counting them in failureBuckets buckets over [from, to). A group
// has the worst state of its records (failStates). Stuck groups come
// first, then redriven, compensated and recovered ones, each the most
// recently seen first.
func groupFailures(recs []store.FailedRecord, from, to time.Time, redriven map[store.Coord]bool) []failureGroupJSON {
	type key struct{ typ, reason string }
	idx := map[key]int{}
	out := []failureGroupJSON{}
	step := max(to.Sub(from)/failureBuckets, 1)
	for i := range recs {
		r := &recs[i]
		k := key{r.Type, diagnose.NormalizeReason(r.Reason)}
		gi, ok := idx[k]
		if !ok {
			gi = len(out)
			idx[k] = gi
			out = append(out, failureGroupJSON{Type: k.typ, Reason: k.reason, FirstSeen: r.Time.UTC(), LastSeen: r.Time.UTC(),
				Services: []string{}, Topics: []string{}, Flows: []string{}, Counts: make([]int64, failureBuckets)})
		}
		g := &out[gi]
		g.Count++
		if r.DeadLetter {
			g.DeadLetters++
		}
		g.FirstSeen = minTime(g.FirstSeen, r.Time.UTC())
		g.LastSeen = maxTime(g.LastSeen, r.Time.UTC())
		g.Services = addSorted(g.Services, r.Source)
		g.Topics = addSorted(g.Topics, r.Topic)
		if len(g.Flows) < failureSample && !slices.Contains(g.Flows, r.FlowID) {
			g.Flows = append(g.Flows, r.FlowID)
		}
		st := recordState(r, redriven)
		g.State = worseState(g.State, st)
		if len(g.Records) < failureSample {
			g.Records = append(g.Records, failureRecordJSON{Coord: r.Coord, EventID: r.EventID, FlowID: r.FlowID,
				Reason: r.Reason, DeadLetter: r.DeadLetter, Time: r.Time.UTC(), State: st})
		}
		if b := int(r.Time.Sub(from) / step); !r.Time.Before(from) && b >= 0 && b < failureBuckets {
			g.Counts[b]++
		}
	}
	slices.SortStableFunc(out, func(a, b failureGroupJSON) int {
		return cmp.Or(cmp.Compare(stateRank(a.State), stateRank(b.State)), b.LastSeen.Compare(a.LastSeen),
			cmp.Compare(a.Type, b.Type), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}

// stateRank is the place of state s in failStates ("" after all).
func stateRank(s string) int {
	if i := slices.Index(failStates, s); i >= 0 {
		return i
	}
	return len(failStates)
}

// worseState is the group state of a group in state g gaining a record in state r.
func worseState(g, r string) string {
	if stateRank(r) < stateRank(g) {
		return r
	}
	return g
}

// addSorted inserts v into the sorted set s (never nil); "" is left out.
func addSorted(s []string, v string) []string {
	if s == nil {
		s = []string{}
	}
	if v == "" {
		return s
	}
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
