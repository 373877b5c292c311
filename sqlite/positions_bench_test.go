package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

// BenchmarkPositionHistory reads a group's last hour (the group page's
// trend) out of a week of history: 12 partitions that moved at every
// 10-second poll (725,760 rows for the group, as many for another).
//
//	go test ./sqlite -run '^$' -bench BenchmarkPositionHistory -benchtime 20x
func BenchmarkPositionHistory(b *testing.B) {
	s, end := weekOfPositions(b)
	defer s.Close()
	for b.Loop() {
		h, err := s.PositionHistory(b.Context(), "billing", end.Add(-time.Hour), end)
		if err != nil {
			b.Fatal(err)
		}
		if len(h) != 12*361 {
			b.Fatalf("%d rows, want %d", len(h), 12*361)
		}
	}
}

// BenchmarkFirstPassed finds which groups read a record of six days ago
// (an event page's deliveries) in the same week of history.
//
//	go test ./sqlite -run '^$' -bench BenchmarkFirstPassed -benchtime 20x
func BenchmarkFirstPassed(b *testing.B) {
	s, _ := weekOfPositions(b)
	defer s.Close()
	for b.Loop() {
		got, err := s.FirstPassed(b.Context(), "orders", 5, 8640)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != 2 || got[0].Committed != 8641 {
			b.Fatalf("FirstPassed = %+v", got)
		}
	}
}

// weekOfPositions is a file store with a week of 10-second polls of two
// groups on 12 partitions that moved at every poll; it returns the end.
func weekOfPositions(b *testing.B) (*Store, time.Time) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "events.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
	const polls = 7 * 24 * 360
	var rows []store.Position
	for i := range polls {
		at := start.Add(time.Duration(i) * 10 * time.Second)
		for _, g := range []string{"billing", "kitchen"} {
			for p := range 12 {
				rows = append(rows, store.Position{Group: g, Topic: "orders", Partition: int32(p), Committed: int64(i), High: int64(i + 3), At: at})
			}
		}
		if len(rows) >= 50_000 || i == polls-1 {
			if err := s.WritePositions(b.Context(), rows); err != nil {
				b.Fatal(err)
			}
			rows = rows[:0]
		}
	}
	return s, start.Add(polls * 10 * time.Second)
}
