// Package sqlite is eventscope's embedded default store: SQLite through
// the pure-Go modernc.org/sqlite driver (no cgo), in WAL mode, idempotent on
// (topic, partition, offset).
package sqlite
