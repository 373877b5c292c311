package ui

import (
	"net/url"
	"time"

	"github.com/eventscope/eventscope/graph"
)

// replayTimeline is the flow page's timeline with every mark past, current
// or future at step cur and linked to the step of its event, and zoom and
// pan links that keep the replay (its step and options) in the window they
// choose.
func (x *replayIndex) replayTimeline(f *graph.Flow, cur int) timelineView {
	tv := buildTimelineView(f, flowParams{FlowID: x.flowID, From: x.p.From, To: x.p.To}, nil, -1)
	for i := range tv.Marks {
		m := &tv.Marks[i]
		if k, ok := x.first[m.EventID]; ok {
			m.Class += " " + stepClass(k, cur)
			m.URL = x.stepURL(k + 1)
		}
	}
	for _, l := range []*linkPair{&tv.In, &tv.Out, &tv.Earlier, &tv.Later, &tv.Reset} {
		*l = x.windowLink(*l, cur)
	}
	return tv
}

// windowLink turns a flow-page zoom link into the replay at step cur with
// the window it names (from/to in its query).
func (x *replayIndex) windowLink(l linkPair, cur int) linkPair {
	p := x.p
	p.From, p.To = time.Time{}, time.Time{}
	if u, err := url.Parse(l.URL); err == nil {
		q := u.Query()
		from, errF := time.Parse(time.RFC3339Nano, q.Get("from"))
		to, errT := time.Parse(time.RFC3339Nano, q.Get("to"))
		if errF == nil && errT == nil {
			p.From, p.To = from, to
		}
	}
	hx := replayStepURL(x.flowID, p, cur+1)
	return linkPair{URL: hx + "#flow-timeline", HX: hx}
}
