package clickhouse

import (
	"context"
	"fmt"
	"sort"

	"github.com/eventscope/eventscope/store"
)

// mergedSummaries merges the flow_summary states of the flows where
// selects (a condition on flow_id), one row per flow, with the columns
// readSummaries scans (not the per-record arrays: the diagnosis comes from
// the flows' verdicts).
func mergedSummaries(where cond) cond {
	return cond{`SELECT flow_id, minMerge(first_ns) AS first, maxMerge(last_ns) AS last, uniqExactArrayMerge(records) AS n,
  uniqExactArrayMerge(id_topics) AS nit, groupUniqArrayArrayMerge(services) AS svcs, groupUniqArrayArrayMerge(types) AS typs,
  maxMerge(dead_letter) AS dl
FROM flow_summary WHERE ` + where.sql + `
GROUP BY flow_id`, where.args}
}

// readSummaries runs mergedSummaries(where) and returns the summaries in
// the Flows order (newest last event first, then higher flow ID).
func (s *Store) readSummaries(ctx context.Context, where cond) ([]store.FlowSummary, error) {
	q := mergedSummaries(where)
	rows, err := s.conn.Query(ctx, q.sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("read flow summaries: %w", err)
	}
	defer rows.Close()
	out := []store.FlowSummary{}
	for rows.Next() {
		var (
			m           merged
			first, last int64
			n           uint64
		)
		if err := rows.Scan(&m.flow, &first, &last, &n, &m.idTopics, &m.services, &m.types, &m.deadLetter); err != nil {
			return nil, fmt.Errorf("read flow summaries: %w", err)
		}
		m.first, m.last, m.records = first, last, n
		out = append(out, m.summary())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read flow summaries: %w", err)
	}
	if err := s.diagnoseSummaries(ctx, out); err != nil {
		return nil, fmt.Errorf("read flow summaries: %w", err)
	}
	sortFlows(out)
	return out, nil
}

// sortFlows puts summaries in the Flows order.
func sortFlows(out []store.FlowSummary) {
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if !a.LastTime.Equal(b.LastTime) {
			return a.LastTime.After(b.LastTime)
		}
		return a.CorrelationID > b.CorrelationID
	})
}

// merged is one flow's flow_summary states, merged.
type merged struct {
	flow            string
	first, last     int64
	records         uint64
	idTopics        uint64 // distinct (event ID, topic) pairs; 0 for rows older than migration 0008
	services, types []string
	deadLetter      uint8
}

// summary is the FlowSummary of m, without its diagnosis.
func (m *merged) summary() store.FlowSummary {
	return store.FlowSummary{CorrelationID: m.flow, FirstTime: timeOf(m.first), LastTime: timeOf(m.last),
		EventCount: int(m.records), Services: sortedSet(m.services), Types: sortedSet(m.types),
		Anomalies: []string{}}
}

func sortedSet(vals []string) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
