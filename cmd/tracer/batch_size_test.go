package main

import "testing"

// TestBatchSize: --batch-size wins; 0 takes the store's own; an unknown
// DSN leaves ingest's default.
func TestBatchSize(t *testing.T) {
	for _, tc := range []struct {
		given int
		dsn   string
		want  int
	}{
		{0, "sqlite://./data/events.db", 10_000},
		{0, "clickhouse://127.0.0.1:9000/events", 10_000},
		{500, "sqlite://./data/events.db", 500},
		{0, "nosuch://x", 0},
	} {
		if got := batchSize(tc.given, tc.dsn); got != tc.want {
			t.Errorf("batchSize(%d, %q) = %d, want %d", tc.given, tc.dsn, got, tc.want)
		}
	}
}
