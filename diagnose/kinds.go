// Package diagnose is eventscope's one anomaly engine: it decides what went
// wrong in a flow. It owns every anomaly kind (name, severity, text, CSS
// class), the rules as pure functions over a flow's events, their
// configuration (dead-letter topics, failure, reason and compensation
// patterns, stall rules, slow-hop thresholds, learned baselines), the
// classification of one event that stores do at write time, the flow
// status, and the per-flow summary the stores keep for search and the
// dashboard. graph, replay, both stores, the search language and the UI ask
// it; nothing else decides what an anomaly is.
//
// It is a leaf like package event (it imports only event and the standard
// library), pure (no I/O) and has no clock: callers pass "now" in.
package diagnose

import "slices"

// Anomaly kinds.
const (
	Orphan     = "orphan"
	Duplicate  = "duplicate"
	OutOfOrder = "out_of_order"
	Cycle      = "cycle"
	DeadLetter = "dead_letter"
	Failure    = "failure"
	Stalled    = "stalled"
	SlowHop    = "slow_hop"
)

// Severities of kinds and statuses.
const (
	Error   = "error"
	Warning = "warning"
	Info    = "info"
)

// Meta describes an anomaly kind or a flow status for people: its name
// (as in the API and the search language), severity, a short title, one
// sentence saying what it means, and the CSS class the UI draws it with.
type Meta struct {
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Class    string `json:"class"`
}

// kinds, in the order anomalies are listed.
var kinds = []Meta{
	{Orphan, Warning, "Orphan", "an event names a cause that was not seen", "orphan"},
	{Duplicate, Warning, "Duplicate", "one event ID was published more than once", "duplicate"},
	{OutOfOrder, Warning, "Out of order", "an effect is timestamped before its cause", "out_of_order"},
	{Cycle, Error, "Cycle", "causation loops back on itself", "cycle"},
	{DeadLetter, Error, "Dead letter", "a record went to a dead-letter topic", "dead_letter"},
	{Failure, Error, "Failure", "an event reports a failure", "failure"},
	{Stalled, Error, "Stalled", "an expected follow-up did not come in time", "stalled"},
	{SlowHop, Warning, "Slow hop", "a hop took far longer than it usually does", "slow_hop"},
}

// Kinds returns every anomaly kind, in listing order.
func Kinds() []Meta { return slices.Clone(kinds) }

// KindNames returns the names of every kind, sorted.
func KindNames() []string {
	out := names(kinds)
	slices.Sort(out)
	return out
}

// KindOf returns the kind named name.
func KindOf(name string) (Meta, bool) { return lookup(kinds, name) }

func names(ms []Meta) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

func lookup(ms []Meta, name string) (Meta, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m, true
		}
	}
	return Meta{}, false
}

// Rank is the position of kind in listing order (unknown kinds last).
func Rank(kind string) int {
	for i, k := range kinds {
		if k.Name == kind {
			return i
		}
	}
	return len(kinds)
}

// Flow statuses, most urgent first.
const (
	StatusFailed      = "failed"      // a failure not compensated nor recovered
	StatusCompensated = "compensated" // every failure compensated
	StatusStalled     = "stalled"     // an expected follow-up is overdue
	StatusInProgress  = "in_progress" // younger than its expected completion time
	StatusRecovered   = "recovered"   // dead-lettered, and the same work later succeeded
	StatusOK          = "ok"
)

var statuses = []Meta{
	{StatusFailed, Error, "Failed", "a failure that nothing compensated", "status-failed"},
	{StatusCompensated, Warning, "Compensated", "every failure was compensated", "status-compensated"},
	{StatusStalled, Error, "Stalled", "an expected step is overdue", "status-stalled"},
	{StatusInProgress, Info, "In progress", "younger than its expected completion time", "status-in_progress"},
	{StatusRecovered, Warning, "Recovered", "dead-lettered, then the same work succeeded", "status-recovered"},
	{StatusOK, Info, "OK", "nothing went wrong", "status-ok"},
}

// Statuses returns every flow status, most urgent first.
func Statuses() []Meta { return slices.Clone(statuses) }

// StatusNames returns the names of every status, most urgent first.
func StatusNames() []string { return names(statuses) }

// StatusOf returns the status named name.
func StatusOf(name string) (Meta, bool) { return lookup(statuses, name) }
