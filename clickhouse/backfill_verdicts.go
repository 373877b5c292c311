package clickhouse

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/diagnose"
)

// backfillVerdicts computes the verdict of every stored flow (migration
// 0012) with the default diagnose configuration, one day partition of
// flow_summary at a time (a flow in several is computed again: its rows
// collapse), in flow ID order (verdictChunk flows read as one range of
// events' primary key), recording each partition done in backfill_done:
// a run stopped half way resumes at the first partition not done.
// Flows the tracer later writes get their verdicts with its own
// configuration.
func backfillVerdicts(ctx context.Context, conn driver.Conn, log *slog.Logger) error {
	const name = "0012_flow_verdicts"
	if err := conn.Exec(ctx, backfillDoneTable); err != nil {
		return fmt.Errorf("backfill verdicts: %w", err)
	}
	parts, err := queryCol[uint32](ctx, conn, `SELECT DISTINCT toUInt32(partition) AS p FROM system.parts
WHERE database = currentDatabase() AND table = 'flow_summary' AND active
AND p NOT IN (SELECT part FROM backfill_done WHERE name = ?)
ORDER BY p`, name)
	if err != nil {
		return fmt.Errorf("backfill verdicts: list partitions: %w", err)
	}
	if len(parts) > 0 {
		log.Info("backfilling flow verdicts", "partitions", len(parts))
	}
	cfg := diagnose.Default()
	for i, p := range parts {
		start := time.Now()
		ids, err := queryCol[string](ctx, conn, "SELECT DISTINCT flow_id FROM flow_summary WHERE toYYYYMMDD(last_time) = ?", p)
		if err != nil {
			return fmt.Errorf("backfill verdicts: partition %d: %w", p, err)
		}
		sort.Strings(ids)
		if err := computeVerdicts(ctx, conn, ids, &cfg); err != nil {
			return fmt.Errorf("backfill verdicts: partition %d: %w", p, err)
		}
		if err := markBackfilled(ctx, conn, name, p); err != nil {
			return err
		}
		log.Info("backfilled flow verdicts", "partition", p, "flows", len(ids), "done", i+1, "of", len(parts),
			"took", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}

// markBackfilled records partition p of the backfill name as done.
func markBackfilled(ctx context.Context, conn driver.Conn, name string, p uint32) error {
	b, err := conn.PrepareBatch(ctx, "INSERT INTO backfill_done (name, part, done_at)")
	if err != nil {
		return fmt.Errorf("backfill %s: %w", name, err)
	}
	if err := b.Append(name, p, time.Now().UTC()); err != nil {
		_ = b.Abort()
		return fmt.Errorf("backfill %s: %w", name, err)
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("backfill %s: %w", name, err)
	}
	return nil
}
