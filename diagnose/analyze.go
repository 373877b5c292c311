package diagnose

import (
	"slices"
	"strings"
	"time"
)

// Anomaly is something wrong in a flow, with the events involved.
type Anomaly struct {
	Kind     string   `json:"kind"`
	EventIDs []string `json:"event_ids"`
	Detail   string   `json:"detail"`
}

// FailedEvent is one failed event of a flow and what became of it.
type FailedEvent struct {
	EventID string `json:"event_id"`
	Type    string `json:"type"`
	Reason  string `json:"reason,omitempty"`
	// DeadLetter: the failure is a record on a dead-letter topic.
	DeadLetter bool `json:"dead_letter,omitempty"`
	// CompensatedBy is the event ID of a compensation that followed it.
	CompensatedBy string `json:"compensated_by,omitempty"`
	// RecoveredBy is the event ID of the step that did the dead-lettered
	// work after all.
	RecoveredBy string    `json:"recovered_by,omitempty"`
	Time        time.Time `json:"-"`
}

// Resolved reports whether the failure was compensated or recovered.
func (f *FailedEvent) Resolved() bool { return f.CompensatedBy != "" || f.RecoveredBy != "" }

// Report is what the rules find in one flow.
type Report struct {
	// Anomalies by kind (in Kinds order), then in event order.
	Anomalies []Anomaly
	// Failures in time order (ties: by event ID).
	Failures []FailedEvent
	// Status is one of the Status* words; Reason is the reason of the
	// failure that decided it, for failed and compensated.
	Status, Reason string
	// StallAt is the earliest deadline of an expected follow-up that has
	// not come: the flow is stalled when "now" is after it. Zero: nothing
	// is expected.
	StallAt time.Time
	// Cyclic lists the (cause, effect) event IDs of the edges that close a
	// causal cycle.
	Cyclic [][2]string
	// Learned is the number of flows the learned baseline the rules used
	// came from (0: none learned).
	Learned int
}

// Analyze runs every rule over the steps of one flow (in store order:
// event time, then coordinates) at time now. A zero now checks no
// deadline: the report then has no stalled anomaly, and Status is what it
// is whatever the clock says (failed, compensated, recovered or ok).
func (c *Config) Analyze(steps []Step, now time.Time) Report {
	f := link(steps)
	r := Report{Anomalies: []Anomaly{}}
	c.structural(f, &r)
	c.failures(f, &r)
	c.stalls(f, &r, now)
	c.slowHops(f, &r)
	if b := c.base(); b != nil && (len(b.Hops) > 0 || len(b.Rules) > 0) {
		r.Learned = max(r.Learned, b.Flows)
	}
	slices.SortStableFunc(r.Anomalies, func(x, y Anomaly) int { return Rank(x.Kind) - Rank(y.Kind) })
	var i int
	if r.Status, i = status(r.Failures, r.StallAt, now); i >= 0 {
		r.Reason = r.Failures[i].Reason
	}
	return r
}

func (r *Report) add(kind, detail string, ids ...string) {
	r.Anomalies = append(r.Anomalies, Anomaly{Kind: kind, EventIDs: ids, Detail: detail})
}

// structural finds orphans, duplicates, out-of-order hops, cycles and dead
// letters.
func (c *Config) structural(f *flow, r *Report) {
	seen := map[[2]string]bool{} // one orphan per (event ID, missing cause)
	for _, i := range f.miss {
		s := &f.steps[i]
		if key := [2]string{s.ID, s.Cause}; !seen[key] {
			seen[key] = true
			r.add(Orphan, "caused by "+s.Cause+", which was not seen", s.ID)
		}
	}
	for v := range f.vs {
		if topic, n := duplicated(f.steps, f.vs[v].recs); n > 1 {
			var where []string
			for _, k := range f.vs[v].recs {
				if s := &f.steps[k]; s.Topic == topic && !s.Class.Redrive {
					if len(where) == 5 {
						where = append(where, "…")
						break
					}
					where = append(where, s.Where)
				}
			}
			r.add(Duplicate, "published "+itoa(n)+" times on "+topic+": "+strings.Join(where, ", "), f.orig(v).ID)
		}
	}
	for _, e := range f.es {
		if e.cyclic {
			r.Cyclic = append(r.Cyclic, [2]string{f.orig(e.from).ID, f.orig(e.to).ID})
		} else if e.lat < 0 {
			r.add(OutOfOrder, label(f.orig(e.to))+" is timestamped "+FormatDur(-e.lat)+
				" before its cause "+label(f.orig(e.from)), f.orig(e.from).ID, f.orig(e.to).ID)
		}
	}
	for _, comp := range f.loops() {
		ids := make([]string, len(comp))
		var types []string
		for i, v := range comp {
			ids[i] = f.orig(v).ID
			if i < 5 {
				types = append(types, f.orig(v).Type)
			} else if i == 5 {
				types = append(types, "…")
			}
		}
		detail := "event names itself as its cause"
		if len(comp) > 1 {
			detail = "causation loops through " + itoa(len(comp)) + " events: " + strings.Join(types, " → ")
		}
		r.add(Cycle, detail, ids...)
	}
	for i := range f.steps {
		if s := &f.steps[i]; s.Class.DeadLetter {
			d := label(s) + " went to dead-letter topic " + s.Topic
			if s.Class.Reason != "" {
				d += ": " + s.Class.Reason
			}
			r.add(DeadLetter, d, s.ID)
		}
	}
}

// duplicated is the duplicate rule: it returns the topic on which the
// records recs (of one event ID) are most often, and how many: more than
// one is a duplicate (the same event published or delivered again on one
// topic). Records on other topics are the same event published to several
// topics, a copy a failing consumer parked on a dead-letter topic, or a
// derived copy a stream processor forwarded (which graph gives IDs of
// their own, see event.MarkCopy): none is a duplicate. Nor is a record
// eventscope redrove (Class.Redrive): it is not counted.
func duplicated(steps []Step, recs []int) (topic string, n int) {
	if len(recs) < 2 {
		return "", len(recs)
	}
	count := map[string]int{}
	for _, k := range recs {
		if steps[k].Class.Redrive {
			continue
		}
		t := steps[k].Topic
		count[t]++
		if c := count[t]; c > n || c == n && t < topic {
			topic, n = t, c
		}
	}
	return topic, n
}

// publications is the number of records of recs that are not on a
// dead-letter topic (a dead-lettered record is a parked copy, not a
// publication of the work).
func publications(steps []Step, recs []int) int {
	n := 0
	for _, k := range recs {
		if !steps[k].Class.DeadLetter {
			n++
		}
	}
	return n
}

func label(s *Step) string {
	if s.Type != "" {
		return s.Type
	}
	return s.ID
}
