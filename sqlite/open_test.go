package sqlite

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store/storetest"
)

func TestOpenDSN(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tests := []struct {
		dsn, file string
	}{
		{"sqlite://" + filepath.Join(dir, "abs", "a.db"), filepath.Join(dir, "abs", "a.db")},
		{"sqlite://rel/dir/b.db", filepath.Join(dir, "rel", "dir", "b.db")},
		{"sqlite:c.db", filepath.Join(dir, "c.db")},
		{MemoryDSN, ""},
	}
	for _, tt := range tests {
		s, err := OpenDSN(t.Context(), tt.dsn, nil)
		if err != nil {
			t.Fatalf("OpenDSN(%q): %v", tt.dsn, err)
		}
		if err := s.Ping(t.Context()); err != nil {
			t.Errorf("Ping %q: %v", tt.dsn, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close %q: %v", tt.dsn, err)
		}
		if tt.file != "" {
			if _, err := os.Stat(tt.file); err != nil {
				t.Errorf("OpenDSN(%q) made no file %s: %v", tt.dsn, tt.file, err)
			}
		}
	}
	for _, bad := range []string{"", "postgres://x", "sqlite://", "sqlite:a.db?mode=ro", "sqlite:file:x.db", "/tmp/x.db"} {
		if s, err := OpenDSN(t.Context(), bad, nil); err == nil {
			s.Close()
			t.Errorf("OpenDSN(%q) succeeded, want an error", bad)
		}
	}
}

// TestReopen checks that data survives Close and that migrations are
// applied once and recorded, and that the file is in WAL mode.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	evs := storetest.NewGen(storetest.Base).Chain("orders", "c1", 3, 0, time.Second)
	for i := range 3 {
		s, err := Open(t.Context(), path, nil)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := s.Write(t.Context(), evs); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		var recorded int
		var mode string
		if err := s.r.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&recorded); err != nil {
			t.Fatal(err)
		}
		if err := s.r.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		ms, _ := migrations()
		if recorded != len(ms) || mode != "wal" {
			t.Errorf("open %d: %d migrations recorded (want %d), journal mode %q (want wal)", i, recorded, len(ms), mode)
		}
		got, err := s.Flow(t.Context(), "c1")
		if err != nil {
			t.Fatal(err)
		}
		storetest.CheckEvents(t, "Flow after reopen", evs, got)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}
}
