package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/eventscope/eventscope/store"
)

// checkStore finds the backend of a --store DSN and checks the DSN, so a
// bad one fails at start.
func checkStore(dsn string) (store.Backend, error) {
	b, err := backends.Lookup(dsn)
	if err != nil {
		return b, fmt.Errorf("--store %q: %w", maskDSN(dsn), err)
	}
	if b.Check != nil {
		if err := b.Check(dsn); err != nil {
			return b, fmt.Errorf("--store %q: %w", maskDSN(dsn), err)
		}
	}
	return b, nil
}

// batchSize is the --batch-size to ingest with: given, else the backend's.
func batchSize(given int, dsn string) int {
	if given > 0 {
		return given
	}
	b, err := backends.Lookup(dsn)
	if err != nil {
		return 0 // ingest's default
	}
	return b.BatchSize
}

// openStore opens the backend a --store DSN names. keep > 0 drops older
// events (backends with store.Backend.Retention); idx switches the
// optional payload indexes (nil: as they are).
func openStore(ctx context.Context, dsn string, keep time.Duration, idx *store.PayloadIndexes, log *slog.Logger) (store.Store, error) {
	b, err := checkStore(dsn)
	if err != nil {
		return nil, err
	}
	st, err := b.Open(ctx, dsn, store.OpenOptions{Logger: log, Retention: keep, PayloadIndexes: idx})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", b.Name, err)
	}
	return st, nil
}
