package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

var _ store.FlowPicker = (*Store)(nil)

// FlowRecords reads the records of one flow that p selects: the flow's
// primary-key range, where narrow columns (event ID, causation ID, key,
// type) pick the records first and only theirs are read whole (newest
// versions, as Flow reads them). The answer is p.Matches of those
// records: a record whose older version matched is read, and dropped
// when its newest does not.
func (s *Store) FlowRecords(ctx context.Context, flowID string, p store.Pick) ([]event.Event, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var cs []cond
	if len(p.IDs) > 0 {
		cs = append(cs, cond{"event_id IN ?", []any{groupSet(p.IDs)}})
	}
	if len(p.CausedBy) > 0 {
		cs = append(cs, cond{"causation_id IN ? OR event_id IN (SELECT event_id FROM events WHERE flow_id = ? AND causation_id IN ?)",
			[]any{groupSet(p.CausedBy), flowID, groupSet(p.CausedBy)}})
	}
	for _, kt := range p.KeyTypes {
		cs = append(cs, cond{"key = ? AND type = ?", []any{kt.Key, kt.Type}})
	}
	if len(cs) == 0 {
		return []event.Event{}, nil
	}
	c := or(cs)
	q := latestEvents(`flow_id = ? AND (`+versionKey+`) IN (SELECT `+versionKey+` FROM events WHERE flow_id = ? AND (`+c.sql+`))`) + eventOrder
	rows, err := s.conn.Query(ctx, q, append([]any{flowID, flowID}, c.args...)...)
	if err != nil {
		return nil, fmt.Errorf("read records of flow %q: %w", flowID, err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read records of flow %q: %w", flowID, err)
	}
	return p.Matches(evs), nil
}

// groupSet is vals as an IN list argument.
func groupSet(vals []string) ch.GroupSet {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return ch.GroupSet{Value: out}
}
