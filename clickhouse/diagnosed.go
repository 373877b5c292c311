package clickhouse

import (
	"slices"
	"strings"

	"github.com/eventscope/eventscope/store"
)

// diagnosedTerms splits status: and anomaly: terms (decided by the
// diagnose engine, read from the flows' verdicts: verdict_read.go) from
// the rest.
func diagnosedTerms(ts []store.Term) (diag, rest []store.Term) {
	for _, t := range ts {
		if t.Field == store.FieldStatus || t.Field == store.FieldAnomaly {
			diag = append(diag, t)
		} else {
			rest = append(rest, t)
		}
	}
	return diag, rest
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
