package ui

import (
	"strings"

	"github.com/eventscope/eventscope/graph"
)

// ganttView is the flow as a Gantt chart in the spirit of Jaeger's trace
// view: one row per event in causal order (the tree's), labelled with type
// and service, a bar for the hop from its cause to it, a mark at its own
// time, the critical path emphasised. Zero is the first root's time; an
// event stamped before it sits left of zero, and an effect stamped before
// its cause has its bar to the right of its mark (a negative hop).
type ganttView struct {
	Width, Height string
	ZeroX, AxisY  string
	Ticks         []tickView
	Rows          []ganttRowView
	Omitted       int // rows past maxGanttRows
}

// ganttRowView is one event's row.
type ganttRowView struct {
	EventID, Node, URL, Title string
	Label                     string // "PizzaPrepared · kitchen"
	Class                     string // "row" plus critical, anomaly kinds, selected
	Y, TextY, LabelX          string
	BarX, BarW                string // the hop; BarW "" for a root
	MarkX                     string
}

// Drawing sizes of the Gantt chart (px).
const (
	maxGanttRows = 300
	ganttLabelW  = 280.0
	ganttPlotW   = 820.0
	ganttRowH    = 20.0
	ganttAxisH   = 22.0
	ganttIndent  = 10.0
)

// buildGanttView draws f's events in causal order; node names each
// record's graph box, sel is the selected record (-1 for none).
func buildGanttView(f *graph.Flow, p flowParams, node []string, sel int, kinds map[string][]string) ganttView {
	order := f.Order
	v := ganttView{}
	if len(order) > maxGanttRows {
		v.Omitted, order = len(order)-maxGanttRows, order[:maxGanttRows]
	}
	if len(order) == 0 {
		return v
	}
	base := f.Events[order[0].Index].Time // the first root
	rel := func(i int) float64 { return float64(f.Events[i].Time.Sub(base).Microseconds()) / 1000 }
	lo, hi := 0.0, 0.0
	for _, n := range order {
		t := rel(n.Index)
		lo, hi = min(lo, t, t-n.HopMS), max(hi, t, t-n.HopMS)
	}
	if hi-lo < 1 {
		hi = lo + 1
	}
	x := func(ms float64) float64 { return ganttLabelW + (ms-lo)/(hi-lo)*ganttPlotW }
	for _, t := range ganttTicks(lo, hi) {
		v.Ticks = append(v.Ticks, tickView{X: num(round1(x(t))), Label: tickLabel(t)})
	}
	for i, n := range order {
		e := &f.Events[n.Index]
		y := ganttAxisH + float64(i)*ganttRowH
		t := rel(n.Index)
		cls := []string{"row", "mark"}
		if vx := f.VertexOf[n.Index]; f.Vertices[vx].Critical {
			cls = append(cls, "critical")
		}
		cls = append(cls, kinds[e.EventID]...)
		if n.Index == sel {
			cls = append(cls, "selected")
		}
		r := ganttRowView{EventID: e.EventID, Label: label(e) + " · " + e.Source, Class: strings.Join(cls, " "),
			Y: num(y), TextY: num(y + 14), LabelX: num(6 + ganttIndent*float64(min(n.Depth, 12))),
			MarkX: num(round1(x(t))), Title: label(e) + " · " + e.Source + " · " + tickLabel(t)}
		if n.HasCause {
			a, b := x(t-n.HopMS), x(t)
			r.BarX, r.BarW = num(round1(min(a, b))), num(round1(max(abs(b-a), 1.5)))
			r.Title += " · hop " + fmtDelta(n.HopMS)
		}
		if n.Index < len(node) {
			r.Node = node[n.Index]
		}
		r.URL, _ = p.eventURL(e.EventID)
		v.Rows = append(v.Rows, r)
	}
	v.Width = num(ganttLabelW + ganttPlotW + 16)
	v.Height = num(ganttAxisH + float64(len(v.Rows))*ganttRowH + 4)
	v.ZeroX, v.AxisY = num(round1(x(0))), num(ganttAxisH-8)
	return v
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// ganttTicks are about five round offsets in [lo, hi] (ms).
func ganttTicks(lo, hi float64) []float64 {
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000, 21600000, 86400000} {
		step = s
		if (hi-lo)/s <= 6 {
			break
		}
	}
	var out []float64
	for t := float64(int64(lo/step)) * step; t <= hi; t += step {
		if t >= lo {
			out = append(out, t)
		}
	}
	return out
}

// tickLabel is an offset in ms as the timelines write it: "+1.2 s",
// "-50 ms", "0".
func tickLabel(ms float64) string {
	switch {
	case ms == 0:
		return "0"
	case ms < 0:
		return graph.FormatMS(ms)
	default:
		return "+" + graph.FormatMS(ms)
	}
}
