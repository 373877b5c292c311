package sqlite

import (
	"context"
	"fmt"

	"github.com/eventscope/eventscope/store"
)

// TypeFields tallies the payload fields of at most sample of the newest
// events of typ, read newest first through the time index (a rare type
// reads the events back to its last one).
func (s *Store) TypeFields(ctx context.Context, typ string, sample int) (store.TypeFields, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT payload FROM events WHERE type = ? AND internal = 0 ORDER BY time DESC LIMIT ?`, typ, sample)
	if err != nil {
		return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
	}
	defer rows.Close()
	var t store.FieldTally
	for rows.Next() {
		var p []byte
		if err := rows.Scan(&p); err != nil {
			return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
		}
		t.Add(p)
	}
	if err := rows.Err(); err != nil {
		return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
	}
	return t.Result(typ), nil
}
