package graph

import (
	"slices"
	"time"
)

// TimelineOptions size a timeline and choose its time window. Zero fields
// take the defaults noted.
type TimelineOptions struct {
	// From and To are the zoom window; zero means the flow's span with 5%
	// padding on each side.
	From, To time.Time
	Width    float64 // whole drawing (960)
	LabelW   float64 // left gutter for lane names (140)
	LaneH    float64 // height of a lane (28)
	AxisH    float64 // height of the time axis on top (24)
	// Above MaxMarks events in the window (2000) they are counted into
	// bins BinW wide (4) per lane; the critical path and events with
	// anomalies keep their marks (at most MaxMarks of them).
	MaxMarks int
	BinW     float64
}

func (o *TimelineOptions) defaults() {
	def := func(p *float64, v float64) {
		if *p <= 0 {
			*p = v
		}
	}
	def(&o.Width, 960)
	def(&o.LabelW, 140)
	def(&o.LaneH, 28)
	def(&o.AxisH, 24)
	def(&o.BinW, 4)
	if o.MaxMarks <= 0 {
		o.MaxMarks = 2000
	}
}

// Timeline is a flow drawn on a shared time axis, one lane per service.
// Coordinates are SVG user units; the axis runs from PlotX to PlotX+PlotW.
type Timeline struct {
	From, To      time.Time // the window shown
	Origin        time.Time // the flow's start: tick labels count from it
	Width, Height float64
	PlotX, PlotW  float64
	AxisH         float64
	Lanes         []Lane
	Marks         []Mark
	Arrows        []Arrow
	Bins          []Bin // only when Binned
	Ticks         []Tick
	Binned        bool
	Outside       int // records outside the window
}

// Lane is one service's row.
type Lane struct {
	Source string // "" shown as "(unknown)" by Label
	Label  string
	Y, H   float64 // top and height
	Count  int     // records in the window
}

// Mark is one record on the axis, centred at (X, Y).
type Mark struct {
	ID         string // event ID
	EventIndex int    // Flow.Events
	Lane       int
	X, Y       float64
	Time       time.Time
	Label      string // event type
	Class      string // "mark" plus "critical", "duplicate" and anomaly kinds
	Critical   bool
}

// Arrow links a cause's mark to an effect's mark.
type Arrow struct {
	From, To       string // event IDs
	FromIndex      int    // Flow.Events of the cause's original record
	ToIndex        int    // Flow.Events of the effect record
	X1, Y1, X2, Y2 float64
	Critical       bool
}

// Bin counts the records of a lane within [X, X+W).
type Bin struct {
	Lane  int
	X, W  float64
	Count int
}

// Tick is a labelled point of the time axis.
type Tick struct {
	X     float64
	Time  time.Time
	Label string // offset from Origin: "0", "+500ms", "+1.5s", "+2m0s"
}

// BuildTimeline lays the flow's records out on a time axis.
func BuildTimeline(f *Flow, opts TimelineOptions) *Timeline {
	opts.defaults()
	from, to := opts.From, opts.To
	if from.IsZero() || to.IsZero() || !to.After(from) {
		pad := max(f.End.Sub(f.Start)/20, 50*time.Millisecond)
		from, to = f.Start.Add(-pad), f.End.Add(pad)
	}
	t := &Timeline{From: from, To: to, Origin: f.Start, Width: opts.Width, AxisH: opts.AxisH,
		PlotX: opts.LabelW, PlotW: max(opts.Width-opts.LabelW-10, 10)}
	span := float64(to.Sub(from))
	xOf := func(at time.Time) float64 { return round1(t.PlotX + float64(at.Sub(from))/span*t.PlotW) }
	in := func(at time.Time) bool { return !at.Before(from) && !at.After(to) }

	laneOf := t.lanes(f, &opts)
	shown := 0
	for i := range f.Events {
		if in(f.Events[i].Time) {
			shown++
			t.Lanes[laneOf[i]].Count++
		}
	}
	t.Outside = len(f.Events) - shown
	t.Binned = shown > opts.MaxMarks
	markAt := make([]int, len(f.Events)) // record -> mark index + 1
	for i := range f.Events {
		e := &f.Events[i]
		vx := &f.Vertices[f.VertexOf[i]]
		if !in(e.Time) || (t.Binned && (len(t.Marks) == opts.MaxMarks || !vx.Critical && len(vx.Kinds) == 0)) {
			continue
		}
		cls := "mark"
		if vx.Critical {
			cls += " critical"
		}
		if vx.Dup {
			cls += " duplicate"
		}
		for _, k := range vx.Kinds {
			cls += " " + k
		}
		l := laneOf[i]
		t.Marks = append(t.Marks, Mark{ID: e.EventID, EventIndex: i, Lane: l, X: xOf(e.Time),
			Y: t.Lanes[l].Y + t.Lanes[l].H/2, Time: e.Time, Label: e.Type, Class: cls, Critical: vx.Critical})
		markAt[i] = len(t.Marks)
	}
	if t.Binned {
		t.bins(f, laneOf, in, xOf, opts.BinW)
	} else {
		t.arrows(f, markAt)
	}
	t.Ticks = ticks(from, to, f.Start, t.PlotW, xOf)
	return t
}

// lanes makes one lane per source, in order of the source's first record.
func (t *Timeline) lanes(f *Flow, o *TimelineOptions) []int {
	laneOf := make([]int, len(f.Events))
	idx := map[string]int{}
	for i := range f.Events {
		s := f.Events[i].Source
		l, ok := idx[s]
		if !ok {
			l = len(t.Lanes)
			idx[s] = l
			label := s
			if s == "" {
				label = "(unknown)"
			}
			t.Lanes = append(t.Lanes, Lane{Source: s, Label: label, Y: o.AxisH + float64(l)*o.LaneH, H: o.LaneH})
		}
		laneOf[i] = l
	}
	t.Height = o.AxisH + float64(len(t.Lanes))*o.LaneH + 10
	return laneOf
}

// arrows links each shown effect record to its cause's original record.
func (t *Timeline) arrows(f *Flow, markAt []int) {
	for i := range f.Events {
		v := f.VertexOf[i]
		for _, k := range f.Vertices[v].In {
			e := &f.Edges[k]
			c := f.Vertices[e.FromV].Records[0]
			if f.Events[i].CausationID != e.From || markAt[i] == 0 || markAt[c] == 0 || e.FromV == v {
				continue
			}
			a, b := &t.Marks[markAt[c]-1], &t.Marks[markAt[i]-1]
			t.Arrows = append(t.Arrows, Arrow{From: e.From, To: e.To, FromIndex: c, ToIndex: i,
				X1: a.X, Y1: a.Y, X2: b.X, Y2: b.Y, Critical: e.Critical})
		}
	}
}

// bins counts the records of each lane per BinW-wide slice of the axis.
func (t *Timeline) bins(f *Flow, laneOf []int, in func(time.Time) bool, xOf func(time.Time) float64, w float64) {
	n := int(t.PlotW/w) + 1
	counts := make([]int, len(t.Lanes)*n)
	for i := range f.Events {
		if in(f.Events[i].Time) {
			b := min(int((xOf(f.Events[i].Time)-t.PlotX)/w), n-1)
			counts[laneOf[i]*n+b]++
		}
	}
	for l := range t.Lanes {
		for b := 0; b < n; b++ {
			if c := counts[l*n+b]; c > 0 {
				t.Bins = append(t.Bins, Bin{Lane: l, X: round1(t.PlotX + float64(b)*w), W: w, Count: c})
			}
		}
	}
}

// tickSteps are the round intervals the axis may use.
var tickSteps = []time.Duration{
	time.Microsecond, 2 * time.Microsecond, 5 * time.Microsecond,
	10 * time.Microsecond, 20 * time.Microsecond, 50 * time.Microsecond,
	100 * time.Microsecond, 200 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// ticks places ticks at round offsets from origin, about every 90 units.
func ticks(from, to, origin time.Time, plotW float64, xOf func(time.Time) float64) []Tick {
	want := to.Sub(from) / time.Duration(max(plotW/90, 1))
	i, _ := slices.BinarySearch(tickSteps, want)
	step := tickSteps[min(i, len(tickSteps)-1)]
	for step*time.Duration(max(plotW/90, 1))*4 < to.Sub(from) { // beyond a day
		step *= 2
	}
	k := from.Sub(origin) / step
	if origin.Add(k * step).Before(from) {
		k++
	}
	var out []Tick
	for ; ; k++ {
		at := origin.Add(k * step)
		if at.After(to) {
			break
		}
		label := "0"
		if k != 0 {
			label = "+" + fmtDur(k*step)
			if k < 0 {
				label = fmtDur(k * step)
			}
		}
		out = append(out, Tick{X: xOf(at), Time: at, Label: label})
	}
	return out
}

// Zoom returns the window scaled by factor around its centre (factor < 1
// zooms in), for zoom links.
func (t *Timeline) Zoom(factor float64) (from, to time.Time) {
	span := time.Duration(float64(t.To.Sub(t.From)) * factor)
	mid := t.From.Add(t.To.Sub(t.From) / 2)
	return mid.Add(-span / 2), mid.Add(span - span/2)
}

// Pan returns the window moved by fraction of its width (negative: earlier).
func (t *Timeline) Pan(fraction float64) (from, to time.Time) {
	d := time.Duration(float64(t.To.Sub(t.From)) * fraction)
	return t.From.Add(d), t.To.Add(d)
}
