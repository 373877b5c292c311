package diagnose

import (
	"slices"
	"strings"
	"time"
)

// failures finds the flow's failures (one per failing event ID) and what
// became of each: a compensation among its effects, direct or transitive
// (or a compensation with no known cause, not earlier than it, for flows
// without causation IDs), or, for a dead letter, the recovery of the work
// it parked.
func (c *Config) failures(f *flow, r *Report) {
	seen := make([]bool, len(f.vs))
	for v := range f.vs {
		fi := -1 // the failing record: a dead letter first, else the first failure
		for _, k := range f.vs[v].recs {
			if cl := f.steps[k].Class; cl.Failure && (fi < 0 || cl.DeadLetter && !f.steps[fi].Class.DeadLetter) {
				fi = k
			}
		}
		if fi < 0 {
			continue
		}
		s := &f.steps[fi]
		fl := FailedEvent{EventID: s.ID, Type: s.Type, Reason: s.Class.Reason, DeadLetter: s.Class.DeadLetter, Time: s.Time}
		from := []int{v}
		if fl.DeadLetter {
			work := f.parked(v, fi)
			if work != v {
				from = append(from, work)
			}
			fl.RecoveredBy = f.recovery(v, fi, work, seen)
		}
		if fl.RecoveredBy == "" {
			fl.CompensatedBy = f.compensation(from, s.Time, seen)
		}
		if !fl.DeadLetter {
			d := label(s) + " failed"
			if fl.Reason != "" {
				d += ": " + fl.Reason
			}
			r.add(Failure, d, s.ID)
		}
		r.Failures = append(r.Failures, fl)
	}
	slices.SortStableFunc(r.Failures, func(a, b FailedEvent) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
}

// parked returns the vertex of the work a dead-letter record (step k of
// vertex v) parked: v itself when the record is a copy under the same
// event ID, else its cause when the record is a copy of it under a new ID
// (same type), else v.
func (f *flow) parked(v, k int) int {
	s := &f.steps[k]
	if publications(f.steps, f.vs[v].recs) > 0 {
		return v
	}
	if cv, ok := f.idx[s.Cause]; ok && cv != v && (s.Type == "" || f.orig(cv).Type == s.Type) {
		return cv
	}
	return v
}

// recovery returns the event that did the parked work after all: an effect
// of the work, on no dead-letter topic and no redrive of it (a redrive is
// the work offered again, not done), not earlier than the dead-letter
// record, published by the service that dead-lettered it (when the record
// names one other than the work's producer: a copy keeps the original's
// producer, and then any later effect counts); else, when the record names
// its own service, an event of that service with no known cause, not
// earlier. "" when none.
func (f *flow) recovery(v, k, work int, seen []bool) string {
	dl := &f.steps[k]
	strict := dl.Source != "" && dl.Source != f.orig(work).Source
	for _, ek := range f.vs[work].out {
		w := f.es[ek].to
		if w == v || w == work {
			continue
		}
		e := f.orig(w)
		if e.Class.DeadLetter || e.Class.Redrive || e.Time.Before(dl.Time) || strict && e.Source != dl.Source {
			continue
		}
		return e.ID
	}
	// A step whose cause is unknown (not on Kafka, or no causation IDs)
	// counts too, when it is not earlier and from the dead-lettering
	// service (when it names one of its own).
	for w := range f.vs {
		e := f.orig(w)
		if w == v || w == work || !f.vs[w].unknown || len(f.vs[w].in) > 0 || e.Class.DeadLetter || e.Class.Redrive ||
			e.Time.Before(dl.Time) || !strict || e.Source != dl.Source {
			continue
		}
		return e.ID
	}
	return ""
}

// compensation returns a compensation that follows the failure (the
// vertices from, at time t): a descendant, or an event with no known cause
// not earlier than t. "" when none.
func (f *flow) compensation(from []int, t time.Time, seen []bool) string {
	best := -1
	for _, v := range from {
		for _, w := range f.descendants(v, seen) {
			if f.orig(w).Class.Compensation && (best < 0 || f.orig(w).Time.Before(f.orig(best).Time)) {
				best = w
			}
		}
	}
	if best < 0 {
		for w := range f.vs {
			if o := f.orig(w); o.Class.Compensation && f.vs[w].unknown && len(f.vs[w].in) == 0 && !o.Time.Before(t) {
				best = w
				break
			}
		}
	}
	if best < 0 {
		return ""
	}
	return f.orig(best).ID
}

// status decides a flow's status from its failures (in time order) and
// stall deadline: failed (a failure neither compensated nor recovered),
// compensated (every unrecovered failure compensated), then, only with a
// clock, stalled (now after stallAt) or in_progress (a deadline still
// ahead), then recovered (a dead letter whose work succeeded), else ok.
// It also returns the index of the deciding failure (-1: none).
func status(fs []FailedEvent, stallAt, now time.Time) (string, int) {
	for i := range fs {
		if !fs[i].Resolved() {
			return StatusFailed, i
		}
	}
	for i := range fs {
		if fs[i].CompensatedBy != "" {
			return StatusCompensated, i
		}
	}
	if !now.IsZero() && !stallAt.IsZero() {
		if now.After(stallAt) {
			return StatusStalled, -1
		}
		return StatusInProgress, -1
	}
	if len(fs) > 0 {
		return StatusRecovered, -1
	}
	return StatusOK, -1
}
