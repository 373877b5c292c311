package replay

import (
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// tracker finds, step by step, the anomalies that graph.Build would report
// on the steps seen so far, for the kinds whose presence changes with the
// prefix: orphan (a cause not seen yet; resolved when it arrives),
// duplicate (an event ID again on one topic, as the engine's rule) and
// out_of_order; an unseen cause that is the flow's trigger or a message
// its framework does not publish is no orphan (diagnose.ExternalCause). Linear in the number of events.
type tracker struct {
	steps    []Step
	ds       []diagnose.Step
	first    map[string]int   // event ID -> step of its first record
	records  map[string][]int // event ID + topic -> steps of its records there
	waiting  map[string][]int // cause ID not seen yet -> steps naming it
	orphaned map[string]bool  // effect ID + cause ID reported as orphan
	linked   map[string]bool  // cause ID + effect ID with an edge
}

// newAnomalyTracker tracks steps; classes[k] is step k's record's class.
func newAnomalyTracker(steps []Step, classes []diagnose.Class) *tracker {
	ds := make([]diagnose.Step, len(steps))
	for k := range steps {
		ds[k] = diagnose.StepOf(steps[k].Event, classes[k])
	}
	return &tracker{steps: steps, ds: ds, first: map[string]int{}, records: map[string][]int{},
		waiting: map[string][]int{}, orphaned: map[string]bool{}, linked: map[string]bool{}}
}

func (t *tracker) run() {
	for k := range t.steps {
		s := &t.steps[k]
		e := s.Event
		_, seenID := t.first[e.EventID]
		isNew := !seenID
		if !t.ds[k].Class.Redrive { // a redriven record repeats its ID on purpose
			onTopic := e.EventID + "\x00" + e.Topic
			recs := append(t.records[onTopic], k)
			t.records[onTopic] = recs
			if len(recs) > 1 {
				s.Appeared = append(s.Appeared, t.duplicate(e.EventID, recs))
			}
		}
		switch c := e.CausationID; {
		case c == "" || c == e.EventID: // a root; self-causation is a cycle
		case t.seen(c):
			t.link(k, c, k)
		case diagnose.ExternalCause(&t.ds[k]): // the flow's trigger, an unpublished command
		default:
			if key := e.EventID + "\x00" + c; !t.orphaned[key] {
				t.orphaned[key] = true
				s.Appeared = append(s.Appeared, orphan(e.EventID, c))
			}
			t.waiting[c] = append(t.waiting[c], k)
		}
		if isNew {
			t.first[e.EventID] = k
			for _, w := range t.waiting[e.EventID] {
				we := t.steps[w].Event
				if key := we.EventID + "\x00" + e.EventID; t.orphaned[key] {
					delete(t.orphaned, key)
					s.Resolved = append(s.Resolved, orphan(we.EventID, e.EventID))
				}
				t.link(k, e.EventID, w)
			}
			delete(t.waiting, e.EventID)
		}
	}
}

func (t *tracker) seen(id string) bool {
	_, ok := t.first[id]
	return ok
}

// link records the edge from cause to the record of step effect, noting at
// step k an effect timestamped before its cause.
func (t *tracker) link(k int, cause string, effect int) {
	e := t.steps[effect].Event
	key := cause + "\x00" + e.EventID
	if t.linked[key] {
		return
	}
	t.linked[key] = true
	c := t.steps[t.first[cause]].Event
	if d := e.Time.Sub(c.Time); d < 0 {
		ms := float64(-d.Microseconds()) / 1000
		t.steps[k].Appeared = append(t.steps[k].Appeared, graph.Anomaly{Kind: graph.OutOfOrder,
			EventIDs: []string{cause, e.EventID},
			Detail:   label(e) + " is timestamped " + graph.FormatMS(ms) + " before its cause " + label(c)})
	}
}

func (t *tracker) duplicate(id string, recs []int) graph.Anomaly {
	var where []string
	for i, r := range recs {
		if i == 5 {
			where = append(where, "…")
			break
		}
		where = append(where, t.steps[r].Event.Coordinates())
	}
	return graph.Anomaly{Kind: graph.Duplicate, EventIDs: []string{id},
		Detail: "published " + strconv.Itoa(len(recs)) + " times so far: " + strings.Join(where, ", ")}
}

func orphan(effect, cause string) graph.Anomaly {
	return graph.Anomaly{Kind: graph.Orphan, EventIDs: []string{effect},
		Detail: "caused by " + cause + ", which has not been seen yet"}
}

func label(e *event.Event) string {
	if e.Type != "" {
		return e.Type
	}
	return e.EventID
}

// wholeFlowAnomalies adds the anomalies the tracker does not follow, from
// graph.Build: a cycle or slow hop appears at the step where the last of
// its events first appears, a dead letter or failure at the first step of
// its event that is one, a stall at the last step (it is the absence of
// what should have followed).
func wholeFlowAnomalies(steps []Step, events []event.Event, byTime []int, opts graph.Options) {
	if len(steps) == 0 {
		return
	}
	inOrder := events
	if !slices.IsSorted(byTime) {
		inOrder = make([]event.Event, len(events))
		for r, i := range byTime {
			inOrder[r] = events[i]
		}
	}
	first := map[string]int{}
	for k := range steps {
		if _, ok := first[steps[k].Event.EventID]; !ok {
			first[steps[k].Event.EventID] = k
		}
	}
	last := len(steps) - 1
	f := graph.Build(inOrder, opts)
	cfg := opts.Config()
	dropClosingEdges(steps, f)
	for _, a := range f.Anomalies {
		at := -1
		switch a.Kind {
		case graph.Cycle, graph.SlowHop:
			for _, id := range a.EventIDs {
				if k, ok := first[id]; ok && k > at {
					at = k
				}
			}
		case graph.DeadLetter, graph.Failure:
			for k := range steps {
				if e := steps[k].Event; e.EventID == a.EventIDs[0] && (a.Kind == graph.Failure || cfg.IsDeadLetter(e.Topic)) {
					at = k
					break
				}
			}
		case graph.Stalled:
			at = last
		default:
			continue // found step by step
		}
		if at < 0 {
			at = last
		}
		steps[at].Appeared = append(steps[at].Appeared, a)
	}
}

// dropClosingEdges removes the out_of_order anomalies of edges that close
// a causal cycle: graph reports the cycle instead.
func dropClosingEdges(steps []Step, f *graph.Flow) {
	cyclic := map[[2]string]bool{}
	for _, e := range f.Edges {
		if e.Cyclic {
			cyclic[[2]string{e.From, e.To}] = true
		}
	}
	if len(cyclic) == 0 {
		return
	}
	for k := range steps {
		steps[k].Appeared = slices.DeleteFunc(steps[k].Appeared, func(a graph.Anomaly) bool {
			return a.Kind == graph.OutOfOrder && cyclic[[2]string{a.EventIDs[0], a.EventIDs[1]}]
		})
	}
}

func anomalyKey(a graph.Anomaly) string {
	k := a.Kind + "\x00" + strings.Join(a.EventIDs, "\x00")
	if a.Kind == graph.Orphan {
		k += "\x00" + a.Detail
	}
	return k
}

// Visible returns the anomalies visible at step i: those appeared at or
// before it and not resolved since, ordered by kind (as graph orders them)
// and then by the step they appeared at. It costs O(i).
func Visible(steps []Step, i int) []graph.Anomaly {
	var v visibility
	for k := 0; k <= i && k < len(steps); k++ {
		v.apply(&steps[k])
	}
	return v.list()
}

// VisibleAll returns Visible(steps, i) for every step in one pass.
func VisibleAll(steps []Step) [][]graph.Anomaly {
	out := make([][]graph.Anomaly, 0, len(steps))
	for _, list := range VisibleEach(steps) {
		out = append(out, list)
	}
	return out
}

// VisibleEach yields each step's index and Visible list in one pass,
// without keeping the lists of earlier steps.
func VisibleEach(steps []Step) iter.Seq2[int, []graph.Anomaly] {
	return func(yield func(int, []graph.Anomaly) bool) {
		var v visibility
		for k := range steps {
			v.apply(&steps[k])
			if !yield(k, v.list()) {
				return
			}
		}
	}
}

// visibility folds the steps' Appeared and Resolved into the visible set.
type visibility struct {
	byKey     map[string]*shown
	shownList []*shown // in order of appearance
}

type shown struct {
	a    graph.Anomaly
	gone bool
}

func (v *visibility) apply(s *Step) {
	if v.byKey == nil {
		v.byKey = map[string]*shown{}
	}
	for _, a := range s.Appeared {
		key := anomalyKey(a)
		if sh, ok := v.byKey[key]; ok && !sh.gone {
			sh.a = a // a later detail of the same anomaly
			continue
		}
		sh := &shown{a: a}
		v.byKey[key] = sh
		v.shownList = append(v.shownList, sh)
	}
	for _, a := range s.Resolved {
		if sh, ok := v.byKey[anomalyKey(a)]; ok {
			sh.gone = true
		}
	}
}

func (v *visibility) list() []graph.Anomaly {
	out := []graph.Anomaly{}
	for _, sh := range v.shownList {
		if !sh.gone {
			out = append(out, sh.a)
		}
	}
	slices.SortStableFunc(out, func(x, y graph.Anomaly) int { return diagnose.Rank(x.Kind) - diagnose.Rank(y.Kind) })
	return out
}
