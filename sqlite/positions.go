package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/store"
)

var _ store.Positions = (*Store)(nil)

const positionColumns = `grp, topic, part, at, committed, high, prev, oldest`

// WritePositions stores rows in one transaction; a row already stored
// (same group, topic, partition and time) is skipped.
func (s *Store) WritePositions(ctx context.Context, rows []store.Position) error {
	if len(rows) == 0 {
		return nil
	}
	if err := s.writePositions(ctx, rows); err != nil {
		return fmt.Errorf("write %d positions: %w", len(rows), err)
	}
	return nil
}

func (s *Store) writePositions(ctx context.Context, rows []store.Position) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO positions (`+positionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	stmtCtx := context.WithoutCancel(ctx) // as in write: no watcher per statement
	for i := range rows {
		r := &rows[i]
		if _, err := ins.ExecContext(stmtCtx, r.Group, r.Topic, r.Partition, nanos(r.At), r.Committed, r.High,
			nanos(r.Prev), nanos(r.Oldest)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// PositionHistory returns group's rows (every group's for "") in [from, to)
// and the newest row before from of each (group, topic, partition).
func (s *Store) PositionHistory(ctx context.Context, group string, from, to time.Time) ([]store.Position, error) {
	var out []store.Position
	var err error
	if group == "" {
		// SQLite takes the bare columns of a max() aggregate from the row
		// holding the maximum: the newest row before from.
		out, err = s.positions(ctx, `SELECT `+positionColumns+` FROM positions WHERE at >= ?1 AND at < ?2
	UNION ALL
	SELECT grp, topic, part, max(at), committed, high, prev, oldest FROM positions WHERE at < ?1 GROUP BY grp, topic, part
	ORDER BY grp, topic, part, at`, nanos(from), nanos(to))
	} else {
		out, err = s.groupHistory(ctx, group, nanos(from), nanos(to))
	}
	if err != nil {
		return nil, fmt.Errorf("position history of %q: %w", group, err)
	}
	return out, nil
}

// groupHistory is PositionHistory of one group by seeks on the primary key
// (group, topic, partition, at), whatever the length of its history: it
// steps from one (topic, partition) of the group to the next, and reads
// each one's newest row before from and its rows in [from, to).
func (s *Store) groupHistory(ctx context.Context, group string, from, to int64) ([]store.Position, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	out := []store.Position{}
	topic, part := "", int64(-1)
	for {
		err := conn.QueryRowContext(ctx, `SELECT topic, part FROM positions WHERE grp = ?1
		AND (topic, part) > (?2, ?3) ORDER BY topic, part LIMIT 1`, group, topic, part).Scan(&topic, &part)
		if err == sql.ErrNoRows {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for _, q := range []string{
			`SELECT ` + positionColumns + ` FROM positions WHERE grp = ?1 AND topic = ?2 AND part = ?3 AND at < ?4 ORDER BY at DESC LIMIT 1`,
			`SELECT ` + positionColumns + ` FROM positions WHERE grp = ?1 AND topic = ?2 AND part = ?3 AND at >= ?4 AND at < ?5 ORDER BY at`,
		} {
			rows, err := conn.QueryContext(ctx, q, group, topic, part, from, to)
			if err != nil {
				return nil, err
			}
			ps, err := store.ScanPositions(rows, fromNanos)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
	}
}

// FirstPassed returns, per group, the earliest row on (topic, partition)
// whose committed offset is above offset. Per group it seeks the lowest
// such committed offset (the first pass, unless the group was reset
// below offset and passed it again), then looks for a row before that one
// that also passed (there was a reset): a few seeks and at most the rows
// before the first pass, not the whole history after it.
func (s *Store) FirstPassed(ctx context.Context, topic string, partition int32, offset int64) ([]store.Position, error) {
	out, err := s.firstPassed(ctx, topic, partition, offset)
	if err != nil {
		return nil, fmt.Errorf("groups past %s[%d]@%d: %w", topic, partition, offset, err)
	}
	return out, nil
}

func (s *Store) firstPassed(ctx context.Context, topic string, partition int32, offset int64) ([]store.Position, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	one := func(q string, args ...any) ([]store.Position, error) {
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		return store.ScanPositions(rows, fromNanos)
	}
	out := []store.Position{}
	group := ""
	for {
		err := conn.QueryRowContext(ctx, `SELECT grp FROM positions WHERE topic = ? AND part = ? AND grp > ?
		ORDER BY grp LIMIT 1`, topic, partition, group).Scan(&group)
		if err == sql.ErrNoRows {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		first, err := one(`SELECT `+positionColumns+` FROM positions WHERE topic = ? AND part = ? AND grp = ?
		AND committed > ? ORDER BY committed, at LIMIT 1`, topic, partition, group, offset)
		if err != nil {
			return nil, err
		}
		if len(first) == 0 {
			continue
		}
		earlier, err := one(`SELECT `+positionColumns+` FROM positions WHERE grp = ? AND topic = ? AND part = ?
		AND at < ? AND committed > ? ORDER BY at LIMIT 1`, group, topic, partition, nanos(first[0].At), offset)
		if err != nil {
			return nil, err
		}
		out = append(out, append(earlier, first...)[0])
	}
}

func (s *Store) positions(ctx context.Context, q string, args ...any) ([]store.Position, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return store.ScanPositions(rows, fromNanos)
}

// Records looks each coordinate up on the events' record index.
func (s *Store) Records(ctx context.Context, at []store.Coord) ([]store.RecordRef, error) {
	out := []store.RecordRef{}
	if len(at) == 0 {
		return out, nil
	}
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	defer conn.Close()
	st, err := conn.PrepareContext(ctx, `SELECT event_id, correlation_id, flow_id, kafka_time FROM events
	WHERE topic = ? AND part = ? AND kafka_offset = ? ORDER BY kafka_time DESC LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	defer st.Close()
	for _, c := range at {
		r := store.RecordRef{Coord: c}
		var kt int64
		err := st.QueryRowContext(ctx, c.Topic, c.Partition, c.Offset).Scan(&r.EventID, &r.CorrelationID, &r.FlowID, &kt)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("record %s[%d]@%d: %w", c.Topic, c.Partition, c.Offset, err)
		}
		r.KafkaTime = fromNanos(kt)
		out = append(out, r)
	}
	return out, nil
}
