package graph

import (
	"slices"

	"github.com/eventscope/eventscope/diagnose"
)

// diagnose runs the diagnose engine on the flow's business records (after
// vertices: derived copies are marked and have their own IDs), in order.
func (b *builder) diagnose(opts *Options) diagnose.Report {
	cfg := opts.Config()
	cls := cfg.Classifier()
	steps := make([]diagnose.Step, 0, len(b.f.Events))
	for i := range b.f.Events {
		if e := &b.f.Events[i]; !e.Internal {
			steps = append(steps, diagnose.StepOf(e, cls.Classify(e)))
		}
	}
	return cfg.Analyze(steps, opts.Now)
}

// anomalies takes the flow's anomalies and failures from the report of the
// diagnose engine and notes on each vertex the kinds it shows (a
// duplicate's Dup flag), on each failing vertex its failure, and on each
// slow edge that it is slow.
func (b *builder) anomalies(rep *diagnose.Report) {
	f := b.f
	f.Anomalies = append(f.Anomalies, rep.Anomalies...)
	f.Status, f.Reason, f.Learned = rep.Status, rep.Reason, rep.Learned
	f.Failures = rep.Failures
	slow := map[[2]string]bool{}
	for _, a := range f.Anomalies {
		if a.Kind == SlowHop && len(a.EventIDs) == 2 {
			slow[[2]string{a.EventIDs[0], a.EventIDs[1]}] = true
		}
		for _, id := range a.EventIDs {
			if v, ok := b.idx[id]; ok && !slices.Contains(f.Vertices[v].Kinds, a.Kind) {
				f.Vertices[v].Kinds = append(f.Vertices[v].Kinds, a.Kind)
				f.Vertices[v].Dup = f.Vertices[v].Dup || a.Kind == Duplicate
			}
		}
	}
	for k := range f.Edges {
		if e := &f.Edges[k]; slow[[2]string{e.From, e.To}] {
			e.Slow = true
		}
	}
	for i := range rep.Failures {
		if v, ok := b.idx[rep.Failures[i].EventID]; ok {
			f.Vertices[v].Failure = &rep.Failures[i]
		}
	}
	for v := range f.Vertices {
		slices.Sort(f.Vertices[v].Kinds)
	}
}
