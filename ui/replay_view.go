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
	Fields        []stateFieldView
}

// stateFieldView is one member of a state, flattened to its dotted path.
type stateFieldView struct {
	Path, Value, Old string
	Change           string // replay.Added, replay.Changed, replay.Removed or ""
}

// replayAnomalyView is an anomaly visible at a step.
type replayAnomalyView struct {
	Kind, Detail string
	New          bool // appeared at this step
	Events       []eventLinkView
}

// maxReplayRows caps the event list: a window of steps around the current.
const maxReplayRows = maxTreeRows

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

// buildReplayView makes the page for 0-based step cur.
func buildReplayView(flowID string, steps []replay.Step, cur int, p replayParams) replayView {
	x := newReplayIndex(flowID, p, steps)
	n := len(steps)
	v := replayView{
		FlowID: flowID, FlowURL: FlowURL(flowID), APIURL: "/api" + ReplayURL(flowID), Total: n, Params: p,
		OrderName: p.Order.String(), OtherOrder: otherOrder(p.Order).String(),
		OrdersDiffer: replay.OrdersDiffer(steps),
	}
	other := p
	other.Order = otherOrder(p.Order)
	timeP, arrP := p, other
	if p.Order == replay.ByArrival {
		timeP, arrP = other, p
	}
	otherPos := func(k int) int { // the current event's step in the other order
		if p.Order == replay.ByArrival {
			return steps[k].TimeIndex + 1
		}
		return steps[k].ArrivalIndex + 1
	}
	v.TimeURL = replayStepURL(flowID, timeP, stepIn(p.Order, replay.ByTime, steps, cur, otherPos))
	v.ArrivalURL = replayStepURL(flowID, arrP, stepIn(p.Order, replay.ByArrival, steps, cur, otherPos))
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
	var t0 = stepTime(steps[0], p.Order)
	for k := from; k < to; k++ {
		s := &steps[k]
		if s.Moved {
			v.Moved++
		}
		row := replayRowView{
			Step: k + 1, URL: x.stepURL(k + 1), EventID: s.Event.EventID, Type: label(s.Event), Source: s.Event.Source,
			Entity: entityLabel(s.Entity), Time: fmtTime(stepTime(*s, p.Order)), TimeISO: fmtRFC3339(stepTime(*s, p.Order)),
			Clock: stepTime(*s, p.Order).UTC().Format("15:04:05.000"),
			T:     stepTime(*s, p.Order).Sub(t0).Milliseconds(), Class: stepClass(k, cur), Moved: s.Moved,
			Other: otherPos(k), Skipped: s.Skipped,
		}
		if k > 0 {
			row.Delta = "+" + fmtMS(float64(stepTime(*s, p.Order).Sub(stepTime(steps[k-1], p.Order)).Microseconds())/1000)
		}
		for _, a := range s.Appeared {
			row.Anomalies = appendOnce(row.Anomalies, a.Kind)
		}
		v.Rows = append(v.Rows, row)
	}
	if from > 0 || to < n { // count moves over the whole flow, not the window
		v.Moved = 0
		for k := range steps {
			if steps[k].Moved {
				v.Moved++
			}
		}
	}
	v.Frame = x.frame(cur, otherPos(cur))
	return v
}

func (x *replayIndex) stepURL(step int) string { return replayStepURL(x.flowID, x.p, step) }

// stepIn is the 1-based step of the current event in order want.
func stepIn(have, want replay.Order, steps []replay.Step, cur int, otherPos func(int) int) int {
	if have == want {
		return cur + 1
	}
	return otherPos(cur)
}

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

// frame builds the part of the page that changes with the step.
func (x *replayIndex) frame(cur, other int) replayFrameView {
	s := &x.steps[cur]
	e := s.Event
	f := replayFrameView{
		Step: cur + 1, Total: len(x.steps), URL: x.stepURL(cur + 1),
		Type: label(e), Time: fmtTime(e.Time), Entity: entityLabel(s.Entity),
		Note: s.Note, Skipped: s.Skipped, Moved: s.Moved, Other: other,
		OtherOrder: otherOrder(x.p.Order).String(), APIURL: "/api" + ReplayURL(x.flowID),
	}
	states := replay.State(x.steps, cur)
	states, f.OmittedEntities = x.recentEntities(states, cur)
	for _, es := range states {
		ev := entityStateView{Entity: es.Entity, Label: entityLabel(es.Entity), Current: es.Entity == s.Entity && !s.Skipped}
		var changes []replay.Change
		if ev.Current {
			changes = s.Changes
		}
		ev.Fields = stateFields(es.State, changes)
		f.States = append(f.States, ev)
	}
	appeared := map[string]bool{}
	for _, a := range s.Appeared {
		appeared[a.Kind+"\x00"+a.Detail] = true
	}
	for _, a := range replay.Visible(x.steps, cur) {
		f.Anomalies = append(f.Anomalies, x.anomaly(a, appeared[a.Kind+"\x00"+a.Detail]))
	}
	for _, a := range s.Resolved {
		f.Resolved = append(f.Resolved, x.anomaly(a, false))
	}
	var cause *eventLinkView
	if k, ok := x.first[e.CausationID]; ok && e.CausationID != "" {
		l := x.link(k)
		cause = &l
	}
	var effects []eventLinkView
	seen := map[string]bool{}
	for _, k := range x.effects[e.EventID] {
		if id := x.steps[k].Event.EventID; !seen[id] {
			seen[id] = true
			effects = append(effects, x.link(k))
		}
	}
	f.Detail = detailFor(e, cause, effects, x.otherRecords(cur))
	return f
}

// maxStateEntities caps the entities the state panel shows: beyond it, the
// frame of a flow of many orders would be hundreds of kilobytes.
const maxStateEntities = 12

// recentEntities keeps, of more than maxStateEntities states, the current
// step's entity and those touched most recently before it, in their order;
// it returns how many it left out.
func (x *replayIndex) recentEntities(states []replay.EntityState, cur int) ([]replay.EntityState, int) {
	if len(states) <= maxStateEntities {
		return states, 0
	}
	keep := map[string]bool{x.steps[cur].Entity: true}
	for k := cur; k >= 0 && len(keep) < maxStateEntities; k-- {
		if x.steps[k].State != nil {
			keep[x.steps[k].Entity] = true
		}
	}
	out := make([]replay.EntityState, 0, maxStateEntities)
	for _, es := range states {
		if keep[es.Entity] {
			out = append(out, es)
		}
	}
	return out, len(states) - len(out)
}

func (x *replayIndex) anomaly(a graph.Anomaly, isNew bool) replayAnomalyView {
	av := replayAnomalyView{Kind: a.Kind, Detail: a.Detail, New: isNew}
	for _, id := range a.EventIDs {
		av.Events = append(av.Events, x.linkID(id))
	}
	return av
}

// otherRecords lists the coordinates of the other records with the event
// ID of step cur.
func (x *replayIndex) otherRecords(cur int) []string {
	id := x.steps[cur].Event.EventID
	var out []string
	for k := range x.steps {
		if e := x.steps[k].Event; k != cur && e.EventID == id {
			out = append(out, e.Coordinates())
		}
	}
	return out
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
