package simscore

import (
	"cmp"
	"slices"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/diagnose/quality"
)

// inProgressEvery: one healthy flow in this many also gives an in-progress
// flow.
const inProgressEvery = 10

// inProgress returns flows still under way when judged at now: one
// healthy flow in inProgressEvery, cut after one of its steps but the last
// (as the store held it then) and moved in time so that the cut step is
// 50 ms before now. Each is labelled in_progress with no anomaly: nothing
// failed yet and nothing it waits for is overdue. They are not learned
// from (the baseline is learned before).
func inProgress(flows []quality.Flow, now time.Time) []quality.Flow {
	var out []quality.Flow
	healthy := 0
	for _, f := range flows {
		if f.Shape != "healthy" || len(f.Steps) < 2 {
			continue
		}
		healthy++
		if healthy%inProgressEvery != 0 {
			continue
		}
		steps := slices.Clone(f.Steps)
		slices.SortStableFunc(steps, func(a, b diagnose.Step) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Where, b.Where))
		})
		steps = steps[:1+healthy/inProgressEvery%(len(steps)-1)] // cut after step 1..n-1
		shift := now.Add(-50 * time.Millisecond).Sub(steps[len(steps)-1].Time)
		for i := range steps {
			steps[i].Time = steps[i].Time.Add(shift)
		}
		out = append(out, quality.Flow{Shape: "in_progress", Steps: steps, Kinds: map[string]bool{}, Status: diagnose.StatusInProgress})
	}
	return out
}
