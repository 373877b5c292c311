package ui

// legendKey is one entry of the graph's legend: a swatch drawn with the
// same classes as the graph (so the legend cannot drift from the CSS) and
// what it means.
type legendKey struct {
	Key   string // data-key: the class it explains
	Shape string // "node" or "edge"
	Class string // the classes of the swatch's node or edge
	Text  string
}

// graphLegend explains every colour and shape the causal graph (and the
// timeline, whose marks share the colours) can show. Red is for failures
// only; the critical path is teal.
var graphLegend = []legendKey{
	{"event", "node", "event", "event"},
	{"root", "node", "event root", "first event (root)"},
	{"group", "node", "group", "group of events (select to expand)"},
	{"selected", "node", "event selected", "selected"},
	{"rest", "node", "group rest", "members of an expanded group not drawn yet (select to draw more)"},
	{"critical", "edge", "critical", "critical path: the causal chain that took longest"},
	{"duplicate", "node", "event duplicate", "duplicate delivery"},
	{"missing-cause", "node", "event missing-cause", "cause not seen"},
	{"orphan", "node", "event orphan", "orphan: cause not in the store"},
	{"failed", "node", "event failed", "failed (the reason on the box)"},
	{"trigger", "node", "event trigger", "the flow's trigger"},
	{"dead_letter", "node", "event dead_letter", "dead letter or cycle"},
	{"stalled", "node", "event stalled", "stalled: nothing reacted in time"},
	{"out_of_order", "node", "event out_of_order", "out of order"},
	{"slow_hop", "node", "event slow_hop", "slow hop"},
	{"slow", "edge", "slow", "slow hop (edge)"},
	{"out_of_order-edge", "edge", "out_of_order", "effect stamped before its cause"},
	{"cyclic", "edge", "cyclic", "edge of a cycle"},
	{"pending", "badge", "", "consumer groups that have not read it yet"},
}

// compareLegend is the compare page's: what marks a difference, then
// the graph's own keys.
var compareLegend = append([]legendKey{
	{"diff-only", "node", "event diff-only", "only in this flow: no event of its type in the other"},
	{"diff-only-hop", "edge", "diff-only", "hop (cause type → effect type) only in this flow"},
	{"diff-extra", "node", "event diff-extra", "a repetition beyond the other flow's count of its type"},
}, graphLegend...)
