// Package graph turns a flow's events into a causal graph: edges from cause
// to effect with their latency, the anomalies the flow shows, an ordering for
// display, layout coordinates, the service map and replay frames. It is pure:
// no I/O and no clock (callers pass "now" in), so the same input always gives
// the same output.
package graph

import (
	"sort"

	"github.com/eventscope/eventscope/event"
)

// Edge is a causal link: the event From caused the event To.
type Edge struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	LatencyMS float64 `json:"latency_ms"`
}

// Anomaly kinds.
const (
	Orphan     = "orphan"
	Duplicate  = "duplicate"
	OutOfOrder = "out_of_order"
	Cycle      = "cycle"
	DeadLetter = "dead_letter"
	Stalled    = "stalled"
	SlowHop    = "slow_hop"
)

// Anomaly is something wrong in a flow, with the events involved.
type Anomaly struct {
	Kind     string   `json:"kind"`
	EventIDs []string `json:"event_ids"`
	Detail   string   `json:"detail"`
}

// Node is one event in the flow's display order, with its depth in the
// causal tree and the latency of the hop that led to it.
type Node struct {
	Index     int // into Flow.Events
	Depth     int
	HopMS     float64 // latency from its cause; 0 for a root
	HasCause  bool
	Duplicate bool // another record has the same event ID
}

// Flow is the causal graph of one flow.
type Flow struct {
	Events    []event.Event // as given: time order
	Edges     []Edge
	Anomalies []Anomaly
	// Order lists the events depth-first from the roots, children in time
	// order: the "indented tree" reading of the flow.
	Order []Node
}

// Options tune the analysis.
type Options struct {
	// IsDeadLetter reports whether a topic is a dead-letter topic;
	// nil uses event.IsDeadLetterTopic.
	IsDeadLetter func(topic string) bool
}

// Build computes the causal graph of events, which must all belong to one
// flow and be in the store's order (event time, then coordinates).
func Build(events []event.Event, opts Options) *Flow {
	if opts.IsDeadLetter == nil {
		opts.IsDeadLetter = event.IsDeadLetterTopic
	}
	f := &Flow{Events: events, Edges: []Edge{}, Anomalies: []Anomaly{}}
	first := map[string]int{} // event ID -> first record index
	dups := map[string][]int{}
	for i := range events {
		id := events[i].EventID
		if _, ok := first[id]; !ok {
			first[id] = i
		}
		dups[id] = append(dups[id], i)
	}
	children := make([][]int, len(events))
	var roots []int
	for i := range events {
		e := &events[i]
		c, ok := first[e.CausationID]
		switch {
		case e.CausationID == "":
			roots = append(roots, i)
		case !ok:
			roots = append(roots, i)
			f.Anomalies = append(f.Anomalies, Anomaly{Kind: Orphan, EventIDs: []string{e.EventID},
				Detail: "caused by " + e.CausationID + ", which was not seen"})
		case c == i || e.CausationID == e.EventID:
			roots = append(roots, i)
			f.Anomalies = append(f.Anomalies, Anomaly{Kind: Cycle, EventIDs: []string{e.EventID},
				Detail: "event names itself as its cause"})
		default:
			lat := float64(e.Time.Sub(events[c].Time).Microseconds()) / 1000
			f.Edges = append(f.Edges, Edge{From: e.CausationID, To: e.EventID, LatencyMS: lat})
			children[c] = append(children[c], i)
			if lat < 0 {
				f.Anomalies = append(f.Anomalies, Anomaly{Kind: OutOfOrder,
					EventIDs: []string{events[c].EventID, e.EventID},
					Detail:   e.Type + " is timestamped before its cause " + events[c].Type})
			}
		}
		if opts.IsDeadLetter(e.Topic) {
			f.Anomalies = append(f.Anomalies, Anomaly{Kind: DeadLetter, EventIDs: []string{e.EventID},
				Detail: e.Type + " went to dead-letter topic " + e.Topic})
		}
	}
	ids := make([]string, 0, len(dups))
	for id, is := range dups {
		if len(is) > 1 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	dupSet := map[int]bool{}
	for _, id := range ids {
		for _, i := range dups[id][1:] {
			dupSet[i] = true
		}
		f.Anomalies = append(f.Anomalies, Anomaly{Kind: Duplicate, EventIDs: []string{id},
			Detail: "published " + itoa(len(dups[id])) + " times"})
	}
	f.Order = order(events, roots, children, dupSet)
	return f
}

// order walks the causal forest depth-first; events not reached from a root
// (members of a cycle) are appended at depth 0 so nothing is lost.
func order(events []event.Event, roots []int, children [][]int, dup map[int]bool) []Node {
	seen := make([]bool, len(events))
	out := make([]Node, 0, len(events))
	type item struct{ i, depth int }
	var stack []item
	push := func(is []int, depth int) {
		for k := len(is) - 1; k >= 0; k-- {
			stack = append(stack, item{is[k], depth})
		}
	}
	walk := func(start []int) {
		push(start, 0)
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[it.i] {
				continue
			}
			seen[it.i] = true
			n := Node{Index: it.i, Depth: it.depth, Duplicate: dup[it.i]}
			if it.depth > 0 {
				n.HasCause = true
			}
			out = append(out, n)
			push(children[it.i], it.depth+1)
		}
	}
	walk(roots)
	for i := range events {
		if !seen[i] {
			walk([]int{i})
		}
	}
	for k := range out {
		if out[k].HasCause {
			e := &events[out[k].Index]
			// latency from the parent: the nearest shallower node before it
			for j := k - 1; j >= 0; j-- {
				if out[j].Depth == out[k].Depth-1 {
					out[k].HopMS = float64(e.Time.Sub(events[out[j].Index].Time).Microseconds()) / 1000
					break
				}
			}
		}
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
