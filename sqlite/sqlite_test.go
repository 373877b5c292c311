package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "data", "events.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestConformanceWideWindows takes the other plan for time windows: every
// window counts as wide, so flows are checked one by one.
func TestConformanceWideWindows(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "events.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		s.narrowEvents = 1
		return s
	})
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := OpenDSN(t.Context(), MemoryDSN, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
