package clickhouse

import (
	"context"
	"fmt"
	"math"
	"time"
)

// partitionedTables hold rows partitioned by day (toYYYYMMDD of event_time,
// at_time in positions, or last_time in the per-write tables and read
// models): the partitions retention drops together.
var partitionedTables = []string{"events", "events_by_id", "event_keys", "flow_times", "positions", "records",
	"flow_summary", "topic_buckets", "type_minutes", "value_minutes", "event_classes", "flow_verdicts",
	"payload_paths", "payload_path_days", "payload_values"}

// DropOlderThan drops the day partitions (of the server's time zone) that
// end at or before t, in every table: whole days only, so an event is kept
// until its whole day is older than t. Dropping a partition is a metadata
// operation that works on every ClickHouse version (unlike TTL). It returns
// how many partitions it dropped.
func (s *Store) DropOlderThan(ctx context.Context, t time.Time) (int, error) {
	dropped := 0
	// Verdicts still to compute would land in the partitions to drop.
	if err := s.settle(ctx); err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	defer s.frozen.lower(math.MinInt64) // the counts of old buckets change
	for _, table := range partitionedTables {
		parts, err := s.oldPartitions(ctx, table, t)
		if err != nil {
			return dropped, fmt.Errorf("retention: list partitions of %s: %w", table, err)
		}
		for _, p := range parts {
			// table is one of partitionedTables; p is bound as a number.
			if err := s.conn.Exec(ctx, "ALTER TABLE "+table+" DROP PARTITION ?", p); err != nil {
				return dropped, fmt.Errorf("retention: drop partition %d of %s: %w", p, table, err)
			}
			dropped++
		}
	}
	return dropped, nil
}

// oldPartitions lists the partitions (YYYYMMDD) of table before t's day.
func (s *Store) oldPartitions(ctx context.Context, table string, t time.Time) ([]uint32, error) {
	parts, local := s.partsOf(table)
	rows, err := s.conn.Query(ctx, `SELECT DISTINCT toUInt32(partition) AS p FROM `+parts+`
WHERE database = ? AND table = ? AND active AND p < toYYYYMMDD(toDateTime(?))
ORDER BY p`, s.db, local, seconds(t).Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []uint32
	for rows.Next() {
		var p uint32
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// retentionLoop drops expired partitions now and then every interval until
// Close.
func (s *Store) retentionLoop(keep, every time.Duration) {
	defer close(s.done)
	if every <= 0 {
		every = time.Hour
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		n, err := s.DropOlderThan(ctx, time.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("retention failed", "err", err)
		case n > 0:
			s.log.Info("retention dropped partitions", "partitions", n, "retention", keep.String())
		}
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}
