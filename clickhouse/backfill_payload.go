package clickhouse

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// backfillChunk is how many events' payloads the payload backfill sums up
// per insert.
const backfillChunk = 50000

// backfillPayloadFields fills the payload field read model (migration
// 0013) from the stored events, one day partition of events at a time
// (eachPartition: resumable, a partition done twice repeats idempotent
// states), backfillChunk payloads per insert, by GOMAXPROCS workers that
// read the flows of one hash class at a time (the walk of the payloads is
// the cost: ~10 µs of CPU per event).
func backfillPayloadFields(ctx context.Context, conn driver.Conn, log *slog.Logger) error {
	return eachPartition(ctx, conn, log, "0013_payload_fields", "events", func(p uint32) (int, error) {
		var rows uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM events WHERE toYYYYMMDD(event_time) = ?", p).Scan(&rows); err != nil {
			return 0, err
		}
		// classes of about backfillClass events: each is one query that
		// streams for a short while (clickhouse-go's read deadline holds
		// for a whole query: 5 minutes by default)
		workers := runtime.GOMAXPROCS(0)
		classes := max(workers, int(rows/backfillClass)+1)
		next := make(chan int, classes)
		for c := range classes {
			next <- c
		}
		close(next)
		counts := make([]int, workers)
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				for c := range next {
					n, err := backfillPayloadClass(ctx, conn, p, c, classes)
					counts[w] += n
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		var first error
		for range workers {
			if err := <-errs; err != nil && first == nil {
				first = err
			}
		}
		n := 0
		for _, c := range counts {
			n += c
		}
		return n, first
	})
}

// backfillClass is about how many events one query of the payload
// backfill reads.
const backfillClass = 200000

// backfillPayloadClass adds the payloads of partition p's flows whose
// hash is class modulo classes to the payload field read model.
func backfillPayloadClass(ctx context.Context, conn driver.Conn, p uint32, class, classes int) (int, error) {
	rows, err := conn.Query(ctx, `SELECT flow_id, event_time, payload FROM events
WHERE toYYYYMMDD(event_time) = ? AND internal = 0 AND cityHash64(flow_id) % ? = ?`, p, uint64(classes), uint64(class))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	r := &rollup{payload: payloadRollUp(nil)}
	flush := func() error {
		if err := insertPayloadPaths(ctx, conn, r); err != nil {
			return err
		}
		return insertPayloadValues(ctx, conn, r)
	}
	for rows.Next() {
		var flow, payload string
		var at time.Time
		if err := rows.Scan(&flow, &at, &payload); err != nil {
			return n, err
		}
		r.payload.add(flow, at, []byte(payload))
		if n++; n%backfillChunk == 0 {
			if err := flush(); err != nil {
				return n, err
			}
			r.payload = payloadRollUp(nil)
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// eachPartition runs fill on every day partition of table not yet
// recorded as done for the backfill name, oldest first, recording each
// one done in backfill_done: a run stopped half way resumes at the first
// partition not done. fill returns how many rows it read, for the log.
func eachPartition(ctx context.Context, conn driver.Conn, log *slog.Logger, name, table string, fill func(p uint32) (int, error)) error {
	if err := conn.Exec(ctx, backfillDoneTable); err != nil {
		return fmt.Errorf("backfill %s: %w", name, err)
	}
	parts, err := queryCol[uint32](ctx, conn, `SELECT DISTINCT toUInt32(partition) AS p FROM system.parts
WHERE database = currentDatabase() AND table = ? AND active
AND p NOT IN (SELECT part FROM backfill_done WHERE name = ?)
ORDER BY p`, table, name)
	if err != nil {
		return fmt.Errorf("backfill %s: list partitions: %w", name, err)
	}
	if len(parts) > 0 {
		log.Info("backfilling", "name", name, "partitions", len(parts))
	}
	for i, p := range parts {
		start := time.Now()
		n, err := fill(p)
		if err != nil {
			return fmt.Errorf("backfill %s: partition %d: %w", name, p, err)
		}
		if err := markBackfilled(ctx, conn, name, p); err != nil {
			return err
		}
		log.Info("backfilled", "name", name, "partition", p, "rows", n, "done", i+1, "of", len(parts),
			"took", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}
