// Package sqlite is eventscope's embedded default store: SQLite through
// the pure-Go modernc.org/sqlite driver (no cgo), in WAL mode with
// synchronous=FULL, idempotent on (topic, partition, offset).
//
// One writer connection takes every Write as one transaction that inserts
// the records (INSERT OR IGNORE on a unique index of their coordinates)
// and updates, in the same transaction, a flows table of per-flow
// summaries (first/last time, count, services, types, anomaly counters)
// and per-topic counts, so listing recent flows and Stats never scan the
// events. Reads use a pool of read-only connections beside the writer.
// The schema comes from numbered, embedded, idempotent migrations
// (migrations/*.sql) recorded in schema_migrations.
//
// Open a file with Open(ctx, path, log) or OpenDSN with "sqlite://PATH",
// "sqlite:PATH" or "sqlite::memory:".
package sqlite
