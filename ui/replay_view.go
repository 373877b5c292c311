package ui

import (
	"strconv"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/replay"
)

// replayView is the replay page: controls and the event list around the
// frame of the current step (the part htmx-style requests replace).
type replayView struct {
	FlowID, FlowURL, APIURL string
	Total                   int
	Params                  replayParams
	OrderName, OtherOrder   string
	TimeURL, ArrivalURL     string // the current step in each order
	DimURL, HideURL         string
	Nav                     replayNavView
	OrdersDiffer            bool
	Moved                   int
	Graph                   *graphView // nil when the flow is drawn collapsed (GraphCollapsed)
	GraphCollapsed          bool
	Timeline                *timelineView // nil without a graph.Flow
	Rows                    []replayRowView
	RowsFrom                int // 1-based step of Rows[0]; rows outside the window are left out
	Omitted                 int
	Frame                   replayFrameView
}

// replayNavView is the step controls' links.
type replayNavView struct {
	Step, Total                         int
	FirstURL, PrevURL, NextURL, LastURL string
	BaseURL                             string // without step: what the form submits to
}

// replayRowView is one event in the list, in replay order.
type replayRowView struct {
	Step                         int // 1-based
	URL, EventID, Type, Source   string
	Entity, Time, TimeISO, Delta string
	Clock                        string // time of day, for the narrow list
	T                            int64  // ms since the first step, in the order's time: for real-time play
	Class                        string // past, current or future
	Moved                        bool
	Other                        int // 1-based position in the other order
	Anomalies                    []string
	Skipped                      bool
}

// replayFrameView is everything that changes from one step to the next.
type replayFrameView struct {
	Step, Total int
	URL         string
	Type, Time  string
	Entity      string
	Note        string
	Skipped     bool
	Moved       bool
	Other       int
	OtherOrder  string
	States      []entityStateView
	// OmittedEntities counts the entities not shown (maxStateEntities);
	// APIURL has them all.
	OmittedEntities int
	APIURL          string
	Anomalies       []replayAnomalyView
	Resolved        []replayAnomalyView
	Detail          eventDetailView
}

// entityStateView is one entity's folded state at a step.
type entityStateView struct {
	Entity, Label string
	Current       bool // the step folded into this entity
	Open          bool // shown unfolded: the current one, or all when few
	Fields        []stateFieldView
}

// stateFieldView is one member of a state, flattened to its dotted path.
type stateFieldView struct {
	Path, Value, Old string
	Change           string    // replay.Added, replay.Changed, replay.Removed or ""
	Array            *jsonNode // a non-empty array value, to unfold as a tree under Value
	Why              string    // why the step changed it when no payload said so (replay.Change.Why)
}

// replayAnomalyView is an anomaly visible at a step.
type replayAnomalyView struct {
	Kind, Detail string
	New          bool // appeared at this step
	Events       []eventLinkView
}

// maxReplayRows caps the event list: a window of steps around the current.
const maxReplayRows = 2000

// replayIndex knows, for one replay, where each event ID first appears and
// which steps it caused: for links to steps.
type replayIndex struct {
	flowID  string
	p       replayParams
	steps   []replay.Step
	first   map[string]int   // event ID -> first step
	effects map[string][]int // cause ID -> steps
}

func newReplayIndex(flowID string, p replayParams, steps []replay.Step) *replayIndex {
	x := &replayIndex{flowID: flowID, p: p, steps: steps, first: map[string]int{}, effects: map[string][]int{}}
	for k := range steps {
		e := steps[k].Event
		if _, ok := x.first[e.EventID]; !ok {
			x.first[e.EventID] = k
		}
		if e.CausationID != "" {
			x.effects[e.CausationID] = append(x.effects[e.CausationID], k)
		}
	}
	return x
}

// link links to the step of record k.
func (x *replayIndex) link(k int) eventLinkView {
	e := x.steps[k].Event
	return eventLinkView{ID: e.EventID, Label: label(e), URL: replayStepURL(x.flowID, x.p, k+1)}
}

// linkID links to the first step of an event ID, or names it unstored.
func (x *replayIndex) linkID(id string) eventLinkView {
	if k, ok := x.first[id]; ok {
		return x.link(k)
	}
	return eventLinkView{ID: id, Label: id}
}

// buildReplayView makes the page for 0-based step cur; f is the flow's
// causal graph (nil: no graph drawn).
func buildReplayView(flowID string, steps []replay.Step, cur int, p replayParams, f *graph.Flow) replayView {
	x := newReplayIndex(flowID, p, steps)
	n := len(steps)
	v := replayView{
		FlowID: flowID, FlowURL: FlowURL(flowID), APIURL: "/api" + ReplayURL(flowID), Total: n, Params: p,
		OrderName: p.Order.String(), OtherOrder: otherOrder(p.Order).String(),
		OrdersDiffer: replay.OrdersDiffer(steps),
	}
	inTime, inArrival := p, p
	inTime.Order, inArrival.Order = replay.ByTime, replay.ByArrival
	v.TimeURL = replayStepURL(flowID, inTime, steps[cur].TimeIndex+1)
	v.ArrivalURL = replayStepURL(flowID, inArrival, steps[cur].ArrivalIndex+1)
	dim, hide := p, p
	dim.Future, hide.Future = futureDim, futureHide
	v.DimURL, v.HideURL = replayStepURL(flowID, dim, cur+1), replayStepURL(flowID, hide, cur+1)
	v.Nav = replayNavView{Step: cur + 1, Total: n,
		FirstURL: x.stepURL(1), PrevURL: x.stepURL(max(cur, 1)),
		NextURL: x.stepURL(min(cur+2, n)), LastURL: x.stepURL(n), BaseURL: ReplayURL(flowID)}
	from, to := 0, n
	if n > maxReplayRows {
		from = min(max(cur-maxReplayRows/2, 0), n-maxReplayRows)
		to = from + maxReplayRows
		v.Omitted = n - maxReplayRows
	}
	v.RowsFrom = from + 1
	for k := from; k < to; k++ {
		v.Rows = append(v.Rows, x.row(k, cur))
	}
	for k := range steps {
		if steps[k].Moved {
			v.Moved++
		}
	}
	v.Frame = x.frame(cur, x.otherPos(cur))
	if f != nil {
		v.Graph, v.GraphCollapsed = x.replayGraph(f, cur)
		tl := x.replayTimeline(f, cur)
		v.Timeline = &tl
	}
	return v
}

// otherPos is step k's 1-based position in the other order.
func (x *replayIndex) otherPos(k int) int {
	if x.p.Order == replay.ByArrival {
		return x.steps[k].TimeIndex + 1
	}
	return x.steps[k].ArrivalIndex + 1
}

// row is step k in the list when cur is the current step.
func (x *replayIndex) row(k, cur int) replayRowView {
	s := &x.steps[k]
	at := stepTime(*s, x.p.Order)
	r := replayRowView{
		Step: k + 1, URL: x.stepURL(k + 1), EventID: s.Event.EventID, Type: label(s.Event), Source: s.Event.Source,
		Entity: entityLabel(s.Entity), Time: fmtTime(at), TimeISO: fmtRFC3339(at), Clock: at.UTC().Format("15:04:05.000"),
		T: at.Sub(stepTime(x.steps[0], x.p.Order)).Milliseconds(), Class: stepClass(k, cur), Moved: s.Moved,
		Other: x.otherPos(k), Skipped: s.Skipped,
	}
	if k > 0 {
		r.Delta = fmtDelta(float64(at.Sub(stepTime(x.steps[k-1], x.p.Order)).Microseconds()) / 1000)
	}
	for _, a := range s.Appeared {
		r.Anomalies = appendOnce(r.Anomalies, a.Kind)
	}
	return r
}

func (x *replayIndex) stepURL(step int) string { return replayStepURL(x.flowID, x.p, step) }

func otherOrder(o replay.Order) replay.Order {
	if o == replay.ByArrival {
		return replay.ByTime
	}
	return replay.ByArrival
}

func stepClass(k, cur int) string {
	switch {
	case k < cur:
		return "past"
	case k == cur:
		return "current"
	default:
		return "future"
	}
}

// entityLabel names an entity; the entity without key is "(no key)".
func entityLabel(e string) string {
	if e == "" {
		return "(no key)"
	}
	return e
}

// stepLabel is "step 3 of 12".
func stepLabel(step, total int) string {
	return "Step " + strconv.Itoa(step) + " of " + strconv.Itoa(total)
}

// otherOrderURL is the current event's step in the other order.
func otherOrderURL(v replayView) string {
	if v.Params.Order == replay.ByArrival {
		return v.TimeURL
	}
	return v.ArrivalURL
}

func int64s(n int64) string { return strconv.FormatInt(n, 10) }

func boolString(b bool) string { return strconv.FormatBool(b) }
