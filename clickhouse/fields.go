package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/store"
)

// fieldsSpan is how far before a type's last arrival TypeFields looks.
const fieldsSpan = time.Hour

// TypeFields tallies the payload fields of the newest events of typ: its
// last arrival comes from the type_minutes read model (no event is read
// for a type never seen), then at most sample events of the type that
// arrived in the hour before it are decoded. Cost: a scan of the type
// column of that hour (18.16 has no skip index to narrow it further).
func (s *Store) TypeFields(ctx context.Context, typ string, sample int) (store.TypeFields, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	var t store.FieldTally
	var last int64
	var n uint64
	if err := s.conn.QueryRow(ctx, `SELECT maxMerge(last_ns), count() FROM type_minutes WHERE type = ?`, typ).Scan(&last, &n); err != nil {
		return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
	}
	if n == 0 {
		return t.Result(typ), nil
	}
	rows, err := s.conn.Query(ctx, `SELECT payload FROM events WHERE internal = 0 AND type = ? AND kafka_time_ns >= ?
ORDER BY kafka_time_ns DESC LIMIT ?`, typ, last-int64(fieldsSpan), sample)
	if err != nil {
		return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
		}
		t.Add([]byte(p))
	}
	if err := rows.Err(); err != nil {
		return store.TypeFields{}, fmt.Errorf("fields of %s: %w", typ, err)
	}
	return t.Result(typ), nil
}
