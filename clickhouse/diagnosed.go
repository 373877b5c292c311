package clickhouse

import (
	"context"
	"slices"
	"strings"

	"github.com/eventscope/eventscope/store"
)

// diagnosedTerms splits status: and anomaly: terms (decided by the
// diagnose engine on each flow's summary) from the rest. A positive
// anomaly: term naming only kinds the merged flow_summary states answer
// (terms.go: dead_letter, duplicate, orphan, out_of_order) stays in rest
// too, as a prefilter: those conditions select a superset of the flows the
// engine finds (it also leaves out a flow's trigger and cycle-closing hops).
func diagnosedTerms(ts []store.Term) (diag, rest []store.Term) {
	for _, t := range ts {
		if t.Field != store.FieldStatus && t.Field != store.FieldAnomaly {
			rest = append(rest, t)
			continue
		}
		diag = append(diag, t)
		if t.Field == store.FieldAnomaly && !t.Negate && prefilterKinds(t) {
			rest = append(rest, t)
		}
	}
	return diag, rest
}

// prefilterKinds reports whether every kind t names has a flow_summary
// condition (and it names one).
func prefilterKinds(t store.Term) bool {
	ks := anomalyKinds(t)
	for _, k := range ks {
		if _, ok := kindFlags[k]; !ok {
			return false
		}
	}
	return len(ks) > 0
}

// diagnosedChunk is how many flows diagnosedFlows sums up per round.
const diagnosedChunk = 500

// diagnosedFlows answers a search with status: or anomaly: terms: it lists
// the flows matching the other terms, newest first, a chunk at a time, and
// keeps those whose summary (the engine's diagnosis at read time) matches
// the diagnosed terms, until it has n. This reads every candidate flow's
// records: a rare status over many flows is slow. (The issue-12 read
// models are to keep each flow's diagnose.Summary so these terms become a
// lookup; see docs/CONFIG.md.)
func (s *Store) diagnosedFlows(ctx context.Context, q store.FlowQuery, diag []store.Term, cur *store.Cursor, n int) ([]store.FlowSummary, error) {
	out := []store.FlowSummary{}
	for {
		chunk, err := s.listFlows(ctx, q, cur, diagnosedChunk)
		if err != nil {
			return nil, err
		}
		for _, f := range chunk {
			if matchesDiagnosis(f, diag) {
				if out = append(out, f); len(out) == n {
					return out, nil
				}
			}
		}
		if len(chunk) < diagnosedChunk {
			return out, nil
		}
		last := chunk[len(chunk)-1]
		cur = &store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID}
	}
}

// matchesDiagnosis reports whether f passes every status: and anomaly:
// term (store.Term's contract).
func matchesDiagnosis(f store.FlowSummary, terms []store.Term) bool {
	for _, t := range terms {
		var ok bool
		switch t.Field {
		case store.FieldStatus:
			ok = f.Status == t.Value
		case store.FieldAnomaly:
			ok = slices.ContainsFunc(f.Anomalies, func(k string) bool {
				return k == t.Value || t.Prefix && strings.HasPrefix(k, t.Value)
			})
		}
		if ok == t.Negate {
			return false
		}
	}
	return true
}

// anomalyKinds are the kinds a FieldAnomaly term names.
func anomalyKinds(t store.Term) []string {
	var ks []string
	for _, k := range store.AnomalyKinds {
		if k == t.Value || t.Prefix && strings.HasPrefix(k, t.Value) {
			ks = append(ks, k)
		}
	}
	return ks
}
