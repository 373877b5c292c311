package graph_test

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/google/go-cmp/cmp"
)

// onSource sets an event's source.
func onSource(e event.Event, source string) event.Event { e.Source = source; return e }

func timelineFlow() *graph.Flow {
	return graph.Build(seq(
		onSource(ev("a", "", "OrderPlaced", 0), "orders"),
		onSource(ev("b", "a", "PaymentAuthorized", 200), "payment"),
		onSource(ev("c", "a", "PizzaPrepared", 500), "kitchen"),
		onSource(ev("d", "c", "PizzaBoxed", 700), "kitchen"),
		onSource(ev("e", "b", "Receipt", 1000), ""),
	), graph.Options{})
}

func TestTimeline(t *testing.T) {
	tl := graph.BuildTimeline(timelineFlow(), graph.TimelineOptions{})
	// default window: the span with 50ms padding; axis 140..950
	if !tl.From.Equal(t0.Add(-50*time.Millisecond)) || !tl.To.Equal(t0.Add(1050*time.Millisecond)) {
		t.Errorf("window %v .. %v", tl.From, tl.To)
	}
	var lanes []string
	for _, l := range tl.Lanes {
		lanes = append(lanes, l.Label)
	}
	if diff := cmp.Diff([]string{"orders", "payment", "kitchen", "(unknown)"}, lanes); diff != "" {
		t.Errorf("lanes in order of first event (-want +got):\n%s", diff)
	}
	type mark struct {
		ID   string
		Lane int
		X, Y float64
	}
	var marks []mark
	for _, m := range tl.Marks {
		marks = append(marks, mark{m.ID, m.Lane, m.X, m.Y})
	}
	want := []mark{{"a", 0, 176.8, 38}, {"b", 1, 324.1, 66}, {"c", 2, 545, 94}, {"d", 2, 692.3, 94}, {"e", 3, 913.2, 122}}
	if diff := cmp.Diff(want, marks); diff != "" {
		t.Errorf("marks (-want +got):\n%s", diff)
	}
	var arrows [][2]string
	for _, a := range tl.Arrows {
		arrows = append(arrows, [2]string{a.From, a.To})
	}
	if diff := cmp.Diff([][2]string{{"a", "b"}, {"a", "c"}, {"c", "d"}, {"b", "e"}}, arrows); diff != "" {
		t.Errorf("arrows (-want +got):\n%s", diff)
	}
	var ticks []string
	for _, tk := range tl.Ticks {
		ticks = append(ticks, tk.Label)
	}
	if diff := cmp.Diff([]string{"0", "+200 ms", "+400 ms", "+600 ms", "+800 ms", "+1 s"}, ticks); diff != "" {
		t.Errorf("ticks (-want +got):\n%s", diff)
	}
	if tl.Ticks[0].X != 176.8 || tl.Height != 24+4*28+10 {
		t.Errorf("first tick at %v, height %v", tl.Ticks[0].X, tl.Height)
	}
}

func TestTimelineZoom(t *testing.T) {
	f := timelineFlow()
	tl := graph.BuildTimeline(f, graph.TimelineOptions{From: t0.Add(150 * time.Millisecond), To: t0.Add(550 * time.Millisecond)})
	var ids []string
	for _, m := range tl.Marks {
		ids = append(ids, m.ID)
	}
	if diff := cmp.Diff([]string{"b", "c"}, ids); diff != "" {
		t.Errorf("marks in window (-want +got):\n%s", diff)
	}
	if tl.Outside != 3 || len(tl.Arrows) != 0 {
		t.Errorf("outside %d, arrows %d", tl.Outside, len(tl.Arrows))
	}
	var ticks []string
	for _, tk := range tl.Ticks {
		ticks = append(ticks, tk.Label)
	}
	// 400ms over 9 slots of 90 units: 50ms steps, at round offsets from the start
	if diff := cmp.Diff([]string{"+150 ms", "+200 ms", "+250 ms", "+300 ms", "+350 ms", "+400 ms", "+450 ms", "+500 ms", "+550 ms"}, ticks); diff != "" {
		t.Errorf("ticks (-want +got):\n%s", diff)
	}
	from, to := tl.Zoom(0.5)
	if !from.Equal(t0.Add(250*time.Millisecond)) || !to.Equal(t0.Add(450*time.Millisecond)) {
		t.Errorf("zoom in: %v .. %v", from, to)
	}
	from, to = tl.Pan(-0.25)
	if !from.Equal(t0.Add(50*time.Millisecond)) || !to.Equal(t0.Add(450*time.Millisecond)) {
		t.Errorf("pan: %v .. %v", from, to)
	}
}

func TestTimelineBins(t *testing.T) {
	var events []event.Event
	for i := 0; i < 30; i++ {
		events = append(events, onSource(ev(string(rune('a'+i)), "", "Tick", i*10), "clock"))
	}
	events = append(events, onSource(ev("late", "gone", "Late", 300), "clock"))
	tl := graph.BuildTimeline(graph.Build(seq(events...), graph.Options{}), graph.TimelineOptions{MaxMarks: 10})
	if !tl.Binned || len(tl.Arrows) != 0 {
		t.Fatalf("binned %v arrows %d", tl.Binned, len(tl.Arrows))
	}
	total := 0
	for _, b := range tl.Bins {
		total += b.Count
	}
	if total != 31 {
		t.Errorf("bins hold %d records, want 31", total)
	}
	// the orphan (an anomaly, and the end of the critical path) keeps its mark
	if len(tl.Marks) != 1 || tl.Marks[0].ID != "late" || tl.Marks[0].Class != "mark critical orphan" {
		t.Errorf("marks %+v", tl.Marks)
	}
}

func TestTimelineEmptyAndInstant(t *testing.T) {
	tl := graph.BuildTimeline(graph.Build(nil, graph.Options{}), graph.TimelineOptions{})
	if len(tl.Marks) != 0 || len(tl.Lanes) != 0 || len(tl.Ticks) == 0 {
		t.Errorf("empty: %d marks %d lanes %d ticks", len(tl.Marks), len(tl.Lanes), len(tl.Ticks))
	}
	// two events at the same instant: a 100ms window around them
	tl = graph.BuildTimeline(graph.Build(seq(ev("a", "", "A", 0), ev("b", "a", "B", 0)), graph.Options{}), graph.TimelineOptions{Width: 100})
	if len(tl.Marks) != 2 || tl.Marks[0].X != tl.Marks[1].X || tl.To.Sub(tl.From) != 100*time.Millisecond {
		t.Errorf("instant: %+v", tl.Marks)
	}
}
