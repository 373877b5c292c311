package clickhouse

import (
	"log/slog"
	"testing"
)

// TestMigrateRerunsHalfDoneAlter: a migrate stopped after a migration's
// first ALTER (its column added, the migration not recorded) runs the
// migration again on the next start instead of failing on "column
// already exists" (0015 adds two columns to flow_verdicts).
func TestMigrateRerunsHalfDoneAlter(t *testing.T) {
	_, conn := emptyDatabase(t)
	quiet := slog.New(slog.DiscardHandler)
	if err := applyMigrationsTo(t.Context(), conn, quiet, 14); err != nil {
		t.Fatal(err)
	}
	if err := conn.Exec(t.Context(), "ALTER TABLE flow_verdicts ADD COLUMN topics Array(String)"); err != nil {
		t.Fatal(err)
	}
	if err := applyMigrations(t.Context(), conn, quiet); err != nil {
		t.Fatalf("migrate after a half-done migration: %v", err)
	}
	var n uint64
	if err := conn.QueryRow(t.Context(), "SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'flow_verdicts' AND name IN ('topics', 'topics_known')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("flow_verdicts has %d of the columns topics, topics_known; want 2", n)
	}
	v, err := appliedVersion(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if v < 15 {
		t.Fatalf("schema version %d after migrate, want >= 15", v)
	}
}
