package graph

import "github.com/eventscope/eventscope/diagnose"

// breakCycles marks as Cyclic the edges that close causal cycles, as the
// diagnose engine found them (it reports the cycle anomalies); layering
// and the critical path ignore them.
func (b *builder) breakCycles(rep *diagnose.Report) {
	if len(rep.Cyclic) == 0 {
		return
	}
	closing := make(map[[2]string]bool, len(rep.Cyclic))
	for _, c := range rep.Cyclic {
		closing[c] = true
	}
	for k := range b.f.Edges {
		if e := &b.f.Edges[k]; closing[[2]string{e.From, e.To}] {
			e.Cyclic = true
		}
	}
}
