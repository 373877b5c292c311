// Package graph turns a flow's events into a causal graph: edges from cause
// to effect with their latency, the anomalies the flow shows, the critical
// path, an ordering for display, a layered layout computed to coordinates
// (collapsed into groups for large flows), a timeline view model, DOT and
// Mermaid exports, and the service map that many flows reveal. It is pure:
// no I/O and no clock (callers pass "now" in), and deterministic: the same
// input always gives the same output, byte for byte.
//
// Duplicates and copies. Every distinct event ID is one Vertex of the
// graph; all records carrying that ID belong to it, the first business
// record in the given order being the original. Two records of a vertex on
// one topic are a duplicate; the same ID with the same payload on several
// topics is one event published to several topics. A record with the ID
// of an earlier one but on another topic and with another payload is a
// derived copy (a stream processor forwarded the headers): its own vertex,
// with ID event.CopyID(id, topic), linked from the original by an edge of
// Kind EdgeCopy. Records of internal topics (event.Event.Internal) join
// their ID's vertex, never start a copy and are never part of an anomaly. A record's causation ID links
// the cause's vertex to the record's vertex, so the effects of a duplicated
// event attach once, to its original, and a duplicate record that names a
// different cause than the original adds a second incoming edge (fan-in).
// Edges are unique per (cause, effect) pair; Edge.Records counts the effect
// records behind it and the latency is measured from the cause's original
// to the first effect record on that edge.
package graph

import (
	"slices"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// Edge is a causal link: the event From caused the event To.
type Edge struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	LatencyMS float64 `json:"latency_ms"`
	// Kind is EdgeCopy for the link from an event to its derived copy,
	// "" for a causal link.
	Kind string `json:"kind,omitempty"`

	// FromV and ToV index Flow.Vertices.
	FromV int `json:"-"`
	ToV   int `json:"-"`
	// Records counts the effect records that name this cause (≥ 1; more
	// when the effect was published more than once).
	Records int `json:"-"`
	// Cyclic marks an edge that closes a causal cycle (including a
	// self-loop); layering and the critical path ignore it.
	Cyclic   bool `json:"-"`
	Critical bool `json:"-"` // on Flow.CriticalPath
	Slow     bool `json:"-"` // flagged slow_hop
}

// EdgeCopy is the Kind of an edge from an event to its derived copy.
const EdgeCopy = "copy"

// Anomaly kinds (the diagnose engine's).
const (
	Orphan     = diagnose.Orphan
	Duplicate  = diagnose.Duplicate
	OutOfOrder = diagnose.OutOfOrder
	Cycle      = diagnose.Cycle
	DeadLetter = diagnose.DeadLetter
	Failure    = diagnose.Failure
	Stalled    = diagnose.Stalled
	SlowHop    = diagnose.SlowHop
)

// Anomaly is something wrong in a flow, with the events involved.
type Anomaly = diagnose.Anomaly

// Node is one event in the flow's display order, with its depth in the
// causal tree and the latency of the hop that led to it.
type Node struct {
	Index     int // into Flow.Events
	Depth     int
	HopMS     float64 // latency from its cause; 0 for a root
	HasCause  bool
	Duplicate bool // another record has the same event ID
}

// Vertex is one distinct event ID of the flow.
type Vertex struct {
	ID string
	// Records index Flow.Events in the given order; Records[0] is the
	// original publication, the rest are duplicates.
	Records []int
	// In and Out index Flow.Edges, in edge order.
	In, Out []int
	// Depth is the longest causal path from a root (cyclic edges ignored).
	Depth int
	// CauseID is the causation ID of the original record ("" for a root).
	CauseID string
	// Missing is true when CauseID names an event the flow does not hold.
	Missing bool
	// Trigger is true when the missing cause is the flow's external
	// trigger (its ID is the correlation ID): drawn as such, no orphan.
	Trigger bool
	// Unpublished is true when the missing cause is a message the
	// event's framework does not publish to Kafka (an Axon command,
	// diagnose.Config.UnpublishedCauses): drawn like a trigger, no orphan.
	Unpublished bool
	Critical    bool // on Flow.CriticalPath
	// Failure is set on a failing vertex (its reason, what became of it).
	Failure *diagnose.FailedEvent
	Kinds   []string // anomaly kinds this vertex is involved in, sorted
	// Copy marks a derived copy (ID from event.CopyID); Dup a duplicate:
	// two business records of the vertex on one topic.
	Copy, Dup bool
}

// Topics returns the distinct topics of the vertex's business records, in
// record order: more than one for an event published to several topics.
func (v *Vertex) Topics(f *Flow) []string {
	var ts []string
	for _, r := range v.Records {
		if e := &f.Events[r]; !e.Internal && !slices.Contains(ts, e.Topic) {
			ts = append(ts, e.Topic)
		}
	}
	return ts
}

// Flow is the causal graph of one flow.
type Flow struct {
	Events    []event.Event // as given: time order
	Edges     []Edge        // in order of their first effect record
	Anomalies []Anomaly     // by kind (in the order of the constants), then in event order
	// Order lists the events depth-first from the roots, children in time
	// order: the "indented tree" reading of the flow.
	Order []Node
	// Vertices holds one entry per distinct event ID, in order of first
	// record; VertexOf maps a record index to its vertex.
	Vertices []Vertex
	VertexOf []int
	// CriticalPath is the chain of event IDs from a root to the event that
	// finished last, following at each step the latest cause: the hops that
	// set the flow's end-to-end time.
	CriticalPath []string
	// Start and End are the earliest and latest event times.
	Start, End time.Time
	// Status and Reason are the flow's status (diagnose.Status*) and the
	// reason of the failure that decided it; Failures are its failed
	// events; Learned is the number of flows a learned baseline the
	// analysis used came from (0: none).
	Status, Reason string
	Failures       []diagnose.FailedEvent
	Learned        int

	idx map[string]int // event ID -> vertex (see VertexByID)
}

// VertexByID returns the index in Vertices of the event with ID id.
func (f *Flow) VertexByID(id string) (int, bool) {
	v, ok := f.idx[id]
	return v, ok
}

// StallRule is an explicit stall rule (see diagnose.Rule).
type StallRule = diagnose.Rule

// DemoStallRules are the rules of the demo pizza shop.
func DemoStallRules() []StallRule {
	return []StallRule{
		{After: "OrderPlaced", Expect: []string{"PizzaPrepared", "OrderCancelled"}, Within: 30 * time.Second},
		{After: "PizzaPrepared", Expect: []string{"PizzaBoxed"}, Within: 30 * time.Second},
		{After: "PaymentAuthorized", Expect: []string{"OutForDelivery", "PaymentRefunded"}, Within: 60 * time.Second},
	}
}

// Options tune the analysis.
type Options struct {
	// Now is the time stall rules are checked against; zero skips them.
	Now time.Time
	// Diagnose configures the anomaly rules; nil uses diagnose.Default().
	Diagnose *diagnose.Config
}

// WithRules returns options checking rules at now, the rest default.
func WithRules(now time.Time, rules ...StallRule) Options {
	c := diagnose.Default()
	c.Rules = rules
	return Options{Now: now, Diagnose: &c}
}

// Config returns the diagnose configuration in force.
func (o *Options) Config() *diagnose.Config {
	if o.Diagnose == nil {
		c := diagnose.Default()
		return &c
	}
	return o.Diagnose
}

// Build computes the causal graph of events, which must all belong to one
// flow and be in the store's order (event time, then coordinates).
func Build(events []event.Event, opts Options) *Flow {
	f := &Flow{Events: events, Edges: []Edge{}, Anomalies: []Anomaly{}}
	b := newBuilder(f)
	b.vertices()
	f.idx = b.idx
	rep := b.diagnose(&opts)
	b.edges(opts.Config())
	b.breakCycles(&rep)
	b.depths()
	b.criticalPath()
	b.anomalies(&rep)
	f.Order = b.order()
	return f
}

// ms converts a duration to float milliseconds with microsecond precision.
func ms(d time.Duration) float64 { return diagnose.MS(d) }
