package sqlite

import (
	"context"

	"github.com/eventscope/eventscope/store"
)

// Backend is the embedded store as the tracer binary picks it from a
// --store DSN: sqlite://PATH, migrated as it opens, no credentials and no
// retention; its optional payload indexes are WithTextIndex and
// WithFieldIndex.
func Backend() store.Backend {
	return store.Backend{
		Scheme: "sqlite",
		Name:   "embedded store",
		Usage:  "sqlite://PATH",
		Open: func(ctx context.Context, dsn string, o store.OpenOptions) (store.Store, error) {
			var opts []Option
			if o.PayloadIndexes != nil {
				opts = append(opts, WithTextIndex(o.PayloadIndexes.Text), WithFieldIndex(o.PayloadIndexes.Fields))
			}
			st, err := OpenDSN(ctx, dsn, o.Logger, opts...)
			if err != nil {
				return nil, err // not a nil *Store in a non-nil store.Store
			}
			return st, nil
		},
		Check: func(dsn string) error {
			_, err := dsnPath(dsn)
			return err
		},
		PayloadIndexes: true,
		// Each commit rewrites every index page its rows touch: with
		// random IDs, 10000 rows a commit cost half the CPU per row of
		// 1000 (BenchmarkWriteUUID).
		BatchSize: 10_000,
	}
}
