package ui

import (
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/replay"
)

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
		ev.Open = ev.Current || len(states) <= openEntities
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

// openEntities is how many entities the state panel shows unfolded; with
// more, only the current one is.
const openEntities = 3

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
