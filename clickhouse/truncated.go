package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/store"
)

var _ store.TruncatedFinder = (*Store)(nil)

// TruncatedFlows returns the flows among ids with a truncated payload:
// their events by flow_id, the events' sort key.
func (s *Store) TruncatedFlows(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	set := make([]any, len(ids))
	for i, id := range ids {
		set[i] = id
	}
	rows, err := s.conn.Query(ctx, `SELECT DISTINCT flow_id FROM events WHERE internal = 0 AND truncated = 1 AND flow_id IN ?`,
		ch.GroupSet{Value: set})
	if err != nil {
		return nil, fmt.Errorf("truncated flows: %w", err)
	}
	out, err = store.ScanIDSet(rows)
	if err != nil {
		return nil, fmt.Errorf("truncated flows: %w", err)
	}
	return out, nil
}
