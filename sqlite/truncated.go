package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/eventscope/eventscope/store"
)

var _ store.TruncatedFinder = (*Store)(nil)

// TruncatedFlows returns the flows among ids with a truncated payload:
// their events through the events_flow index.
func (s *Store) TruncatedFlows(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT flow_id FROM events WHERE truncated <> 0 AND flow_seq IN (
		SELECT seq FROM flow_seqs WHERE flow_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`))`, args...)
	if err != nil {
		return nil, fmt.Errorf("truncated flows: %w", err)
	}
	out, err = store.ScanIDSet(rows)
	if err != nil {
		return nil, fmt.Errorf("truncated flows: %w", err)
	}
	return out, nil
}
