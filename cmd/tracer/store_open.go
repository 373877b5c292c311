package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// openStore opens the backend a --store DSN names. cmd/tracer is the only
// place that knows the concrete backends. keep > 0 drops older events (the
// ClickHouse store drops whole day partitions).
func openStore(ctx context.Context, dsn string, keep time.Duration, log *slog.Logger) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite://"):
		st, err := sqlite.OpenDSN(ctx, dsn, log)
		if err != nil {
			return nil, fmt.Errorf("open embedded store %s: %w", dsn, err)
		}
		return st, nil
	case strings.HasPrefix(dsn, "clickhouse://"):
		st, err := clickhouse.Open(ctx, dsn, clickhouse.Options{Logger: log, Retention: keep})
		if err != nil {
			return nil, fmt.Errorf("open clickhouse store: %w", err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("--store %q: want sqlite://PATH or clickhouse://host:9000/db", dsn)
}
