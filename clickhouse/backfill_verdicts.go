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
	cfg := diagnose.Default()
	return eachPartition(ctx, conn, log, "0012_flow_verdicts", "flow_summary", func(p uint32) (int, error) {
		ids, err := queryCol[string](ctx, conn, "SELECT DISTINCT flow_id FROM flow_summary WHERE toYYYYMMDD(last_time) = ?", p)
		if err != nil {
			return 0, err
		}
		sort.Strings(ids)
		return len(ids), computeVerdicts(ctx, conn, ids, &cfg, false) // runs before 0015 added topics
	})
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
