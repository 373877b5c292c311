package clickhouse

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store/storetest"
)

// TestStatsCountsLateOldRecords checks that Stats, which keeps the counts
// of buckets older than statsFreeze, counts a record written afterwards
// into one of them, and one of now, and drops what retention dropped.
func TestStatsCountsLateOldRecords(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	now := time.Now().UTC()
	old := now.Add(-48 * time.Hour)
	count := func(want int64) {
		t.Helper()
		st, err := s.Stats(t.Context())
		if err != nil || st.Events != want {
			t.Fatalf("Stats = %d events, %v; want %d", st.Events, err, want)
		}
	}
	write := func(off int64, at time.Time) {
		t.Helper()
		e := storetest.MakeEvent("t", 0, off, "e"+string(rune('a'+off)), "f", "", at)
		if err := s.Write(t.Context(), []event.Event{e}); err != nil {
			t.Fatal(err)
		}
	}
	write(0, old)
	count(1)
	write(1, old.Add(time.Second)) // into a frozen bucket
	count(2)
	write(1, old.Add(time.Second)) // redelivered
	write(2, now)
	count(3)
	if _, err := s.DropOlderThan(t.Context(), now.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	count(1)
}
