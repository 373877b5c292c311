package quality

import (
	"slices"
	"sort"
	"time"

	"github.com/eventscope/eventscope/diagnose"
)

// Score is precision and recall of one kind or status over the flows.
type Score struct {
	Name                string
	TP, FP, FN, Flows   int
	Precision, Recall   float64
	FalseShapes, Missed map[string]int // shape -> flows wrongly flagged / missed
}

// Learn learns a baseline from flows as production traffic would teach it.
func Learn(flows []Flow) *diagnose.Baseline {
	steps := make([][]diagnose.Step, len(flows))
	for i := range flows {
		steps[i] = flows[i].Steps
	}
	return diagnose.Learn(steps, diagnose.LearnOptions{})
}

// Evaluate runs the engine (cfg, judged at now, through the stores'
// summary) on flows and scores every kind and every status.
func Evaluate(cfg *diagnose.Config, flows []Flow, now time.Time) []Score {
	scores := map[string]*Score{}
	get := func(name string) *Score {
		if scores[name] == nil {
			scores[name] = &Score{Name: name, FalseShapes: map[string]int{}, Missed: map[string]int{}}
		}
		return scores[name]
	}
	for _, k := range diagnose.KindNames() {
		get("anomaly:" + k)
	}
	for _, s := range diagnose.StatusNames() {
		get("status:" + s)
	}
	for _, f := range flows {
		sum := cfg.Summarize(f.Steps)
		kinds, status := sum.KindList(now), sum.Status(now)
		for _, k := range diagnose.KindNames() {
			tally(get("anomaly:"+k), f.Shape, f.Kinds[k], slices.Contains(kinds, k))
		}
		for _, s := range diagnose.StatusNames() {
			tally(get("status:"+s), f.Shape, f.Status == s, status == s)
		}
	}
	out := make([]Score, 0, len(scores))
	for _, s := range scores {
		s.Precision, s.Recall = ratio(s.TP, s.TP+s.FP), ratio(s.TP, s.TP+s.FN)
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func tally(s *Score, shape string, want, got bool) {
	switch {
	case want && got:
		s.TP++
	case got:
		s.FP++
		s.FalseShapes[shape]++
	case want:
		s.FN++
		s.Missed[shape]++
	}
	if want {
		s.Flows++
	}
}

// ratio is a/b, 1 when b is 0 (nothing to find, nothing wrongly found).
func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func sortSteps(steps []diagnose.Step) {
	sort.SliceStable(steps, func(i, j int) bool {
		if !steps[i].Time.Equal(steps[j].Time) {
			return steps[i].Time.Before(steps[j].Time)
		}
		return steps[i].Where < steps[j].Where
	})
}
