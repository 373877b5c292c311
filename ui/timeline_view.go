package ui

import (
	"strings"
	"time"

	"github.com/eventscope/eventscope/graph"
)

// timelineView is the flow on a time axis, one lane per service, with
// links that zoom and pan the window (the from/to URL parameters).
type timelineView struct {
	Width, Height string
	PlotX, PlotR  string // left and right end of the axis
	AxisY         string // baseline of the tick labels
	Lanes         []laneView
	Ticks         []tickView
	Marks         []markView
	Arrows        []arrowView
	Bins          []binView
	Binned        bool
	Outside       int    // records outside the window
	Window        string // "+1.2s … +3.4s" (offsets from the flow's start)
	Zoomed        bool
	// Links to the page with another window (URL) and the same for htmx
	// (HX, the fragment swapped into #flow-timeline).
	In, Out, Earlier, Later, Reset linkPair
}

type linkPair struct{ URL, HX string }

type laneView struct {
	Label, Y, H, LabelY string
	Count               int
	Odd                 bool
}

type tickView struct{ X, Label string }

// markView is one record: a link that selects its event.
type markView struct {
	EventID, Node string // Node: the graph box that shows it (event or group)
	X, Y          string
	Class, Title  string
	URL           string
}

type arrowView struct {
	X1, Y1, X2, Y2, Class string
}

type binView struct {
	X, Y, W, H, Title string
}

// buildTimelineView lays the flow out on the window p asks for. node gives
// the graph box of each record (Drawing.EventNode mapped to node IDs).
func buildTimelineView(f *graph.Flow, p flowParams, node []string, sel int) timelineView {
	tl := graph.BuildTimeline(f, graph.TimelineOptions{From: p.From, To: p.To})
	v := timelineView{Width: num(tl.Width), Height: num(tl.Height), PlotX: num(tl.PlotX),
		PlotR: num(tl.PlotX + tl.PlotW), AxisY: num(tl.AxisH - 8), Binned: tl.Binned, Outside: tl.Outside,
		Zoomed: !p.From.IsZero(),
		Window: offset(f, tl.From) + " … " + offset(f, tl.To)}
	for i, l := range tl.Lanes {
		v.Lanes = append(v.Lanes, laneView{Label: l.Label, Y: num(l.Y), H: num(l.H),
			LabelY: num(l.Y + l.H/2 + 4), Count: l.Count, Odd: i%2 == 1})
	}
	for _, t := range tl.Ticks {
		v.Ticks = append(v.Ticks, tickView{X: num(t.X), Label: t.Label})
	}
	v.Marks = make([]markView, 0, len(tl.Marks))
	for _, m := range tl.Marks {
		mv := markView{EventID: m.ID, X: num(m.X), Y: num(m.Y), Class: m.Class,
			Title: m.Label + " · " + tl.Lanes[m.Lane].Label + " · " + offset(f, m.Time)}
		if m.EventIndex < len(node) {
			mv.Node = node[m.EventIndex]
		}
		if m.EventIndex == sel {
			mv.Class += " selected"
		}
		mv.URL, _ = p.eventURL(m.ID)
		v.Marks = append(v.Marks, mv)
	}
	v.Arrows = make([]arrowView, 0, len(tl.Arrows))
	for _, a := range tl.Arrows {
		cls := "arrow"
		if a.Critical {
			cls += " critical"
		}
		v.Arrows = append(v.Arrows, arrowView{X1: num(a.X1), Y1: num(a.Y1), X2: num(a.X2), Y2: num(a.Y2), Class: cls})
	}
	maxCount := 1
	for _, b := range tl.Bins {
		maxCount = max(maxCount, b.Count)
	}
	for _, b := range tl.Bins {
		l := tl.Lanes[b.Lane]
		h := max(2, (l.H-6)*float64(b.Count)/float64(maxCount))
		v.Bins = append(v.Bins, binView{X: num(b.X), W: num(b.W - 0.5), Y: num(round1(l.Y + l.H - 3 - h)), H: num(round1(h)),
			Title: plural(b.Count, "event")})
	}
	link := func(from, to time.Time) linkPair {
		q := p.withWindow(from, to)
		return linkPair{URL: q.url() + "#flow-timeline", HX: q.url()}
	}
	v.In, v.Out = link(tl.Zoom(0.5)), link(tl.Zoom(2))
	v.Earlier, v.Later = link(tl.Pan(-0.5)), link(tl.Pan(0.5))
	v.Reset = link(time.Time{}, time.Time{})
	return v
}

// offset is t as an offset from the flow's start: "+1.2s", "-50ms", "0".
func offset(f *graph.Flow, t time.Time) string { return tickLabel(msSince(f, t)) }

// msSince is t - the flow's start in milliseconds (microsecond precision).
func msSince(f *graph.Flow, t time.Time) float64 {
	return float64(t.Sub(f.Start).Microseconds()) / 1000
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// boolAttr is a data attribute's value for a flag.
func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// arrowFor picks the arrowhead marker for an edge of the given classes in
// the SVG whose marker IDs start with prefix.
func arrowFor(class, prefix string) string {
	if strings.Contains(" "+class+" ", " critical ") {
		return "url(#" + prefix + "-arrow-crit)"
	}
	return "url(#" + prefix + "-arrow)"
}
