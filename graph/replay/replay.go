// Package replay computes the "time travel" view of a flow: its events one
// step at a time, in event-time or arrival order, with the state of each
// business entity folded from the payloads up to that step (JSON Merge
// Patch, RFC 7386), what each step added, changed or removed, the anomalies
// that have become visible by that step, and how the two orders differ.
//
// It is pure like graph: no I/O, no clock. Steps is linear in the flow's
// size plus the size of what each step changes: entity states are
// immutable and share every unchanged object with the previous step, so
// the state of every step is kept without copying whole states, and State
// materialises the map of all entities at a step on demand.
//
// Folding. A step's payload must be a JSON object. Its "data" member is the
// patch when present (it must then be an object); else a MassTransit
// "message" object; else the whole object minus the envelope members the
// decoder reads IDs from (metadata, meta, headers, eventId, eventType,
// correlationId, causationId, producer, timestamp, traceparent, ...; and,
// for a CloudEvents body with "specversion", also id, type, source, time,
// subject). Objects merge recursively, arrays and scalars replace, null
// removes a member. A failure's members do not outlive it: a later event
// of the entity that is not a failure and sets one of the members the
// failure set removes the failure's other members (see failureMembers).
// Other payloads (text, bytes, truncated JSON, a JSON
// array or scalar, a non-object data) leave the state unchanged and the
// step says why in Note.
package replay

import (
	"slices"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// Order is the order in which a replay visits the events.
type Order int

const (
	// ByTime orders by event time, then topic, partition and offset: the
	// store's order, how the producers say things happened.
	ByTime Order = iota
	// ByArrival orders by when eventscope ingested each record (IngestedAt;
	// a zero time sorts first), then the Kafka record timestamp, then
	// topic, partition and offset: the closest we know to how a consumer of
	// these topics saw them. Records of one ingest batch share IngestedAt,
	// so the Kafka timestamp orders within a batch.
	ByArrival
)

// String is "time" or "arrival", as in the URL's order parameter.
func (o Order) String() string {
	if o == ByArrival {
		return "arrival"
	}
	return "time"
}

// Options tune a replay.
type Options struct {
	Order Order
	// EntityKey names the entity each event's payload folds into: empty for
	// the Kafka key, else a dotted JSON path into the payload such as
	// "data.orderId" (see ParsePath). When the payload has no "data" member
	// and its state object is the whole value, a path starting with "data."
	// is also looked up without that first segment. An event where the
	// path finds nothing folds into the entity "" and says so in its Note.
	EntityKey string
	// Graph is passed to graph.Build for the anomalies that need the whole
	// flow (cycle, stalled, slow_hop) and names dead-letter topics.
	Graph graph.Options
}

// Change ops.
const (
	Added   = "added"
	Changed = "changed"
	Removed = "removed"
)

// Change is one member of an entity's state that a step added, changed or
// removed. Path is the member's dotted path in the state (see JoinPath).
// Old is the value before (nil for added), New the value after (nil for
// removed). A member that an object replaced wholesale is one change at
// its path, not one per nested member.
type Change struct {
	Path string `json:"path"`
	Op   string `json:"op"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
	// Why explains a change that no payload spelled out: a member a
	// failure set, removed because a later event superseded the failure.
	Why string `json:"why,omitempty"`
}

// Step is one event of the replay and what it did.
type Step struct {
	// Index is the step's position in the replay order, from 0.
	Index int
	// Event points into the slice given to Steps; Source is its index there.
	Event  *event.Event
	Source int
	// Entity is the entity the event's payload folds into.
	Entity string
	// State is Entity's state after this step: nil when the entity has no
	// state yet. It shares unchanged objects with earlier steps: never
	// modify it.
	State map[string]any
	// Changes lists what this step did to Entity's state, depth first with
	// the members of each object in name order.
	Changes []Change
	// Skipped is true when the payload could not be folded; Note says why
	// (Note may also explain a missing entity key on a folded step).
	Skipped bool
	Note    string
	// TimeIndex and ArrivalIndex are the event's positions in time order
	// and arrival order. Moved marks the events that change place between
	// the two orders: the fewest events whose moving turns one order into
	// the other (those off a longest common subsequence).
	TimeIndex, ArrivalIndex int
	Moved                   bool
	// Appeared lists the anomalies that became visible at this step (an
	// anomaly appearing again, e.g. a third publication of a duplicate,
	// replaces its earlier detail). Resolved lists those that stopped being
	// visible here: an orphan whose cause arrived. See Visible.
	Appeared []graph.Anomaly
	Resolved []graph.Anomaly
}

// Steps replays events, which must all belong to one flow, in opts.Order.
// It never modifies events; each Step points into it.
func Steps(events []event.Event, opts Options) []Step {
	byTime := sortedIndex(events, ByTime)
	byArrival := sortedIndex(events, ByArrival)
	order := byTime
	if opts.Order == ByArrival {
		order = byArrival
	}
	steps := make([]Step, len(events))
	for k, i := range order {
		steps[k] = Step{Index: k, Event: &events[i], Source: i}
	}
	markOrders(steps, byTime, byArrival)
	cfg := opts.Graph.Config()
	classes := make([]diagnose.Class, len(steps)) // each record classified once, for both
	cls := cfg.Classifier()
	for k := range steps {
		classes[k] = cls.Classify(steps[k].Event)
	}
	fold(steps, opts.EntityKey, classes)
	newAnomalyTracker(steps, classes).run()
	wholeFlowAnomalies(steps, events, byTime, opts.Graph)
	return steps
}

// OrdersDiffer reports whether the time and arrival orders of the steps'
// events differ.
func OrdersDiffer(steps []Step) bool {
	return slices.ContainsFunc(steps, func(s Step) bool { return s.Moved })
}
