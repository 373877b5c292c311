package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

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

// verdictTerms reports whether the flows' verdicts alone decide every
// term of ts: status:, anomaly:, and type:, source: or topic: (only when
// topics: every verdict has its topics) with a value.
func verdictTerms(ts []store.Term, topics bool) bool {
	for _, t := range ts {
		switch t.Field {
		case store.FieldStatus, store.FieldAnomaly:
		case store.FieldType, store.FieldSource:
			if t.Value == "" {
				return false
			}
		case store.FieldTopic:
			if t.Value == "" || !topics {
				return false
			}
		default:
			return false
		}
	}
	return len(ts) > 0
}

// topicsCheck remembers whether every row of flow_verdicts has its topics
// (rows from before migration 0015 have topics_known = 0).
type topicsCheck struct {
	mu  sync.Mutex
	all bool      // once true, stays: new rows always have topics
	at  time.Time // when last found false
}

// topicsKnown reports whether every verdict has its topics: a narrow
// count, at most once a minute until it finds none without.
func (s *Store) topicsKnown(ctx context.Context) (bool, error) {
	c := &s.topics
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.all || time.Since(c.at) < time.Minute {
		return c.all, nil
	}
	var n uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM flow_verdicts WHERE topics_known = 0").Scan(&n); err != nil {
		return false, fmt.Errorf("count verdicts without topics: %w", err)
	}
	c.all, c.at = n == 0, time.Now()
	return c.all, nil
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
