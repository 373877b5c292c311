package clickhouse

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/store/storetest"
)

// BenchmarkWritePositions is the store's cost of a poll in which 10,000
// consumer positions moved (a tenth of 100 groups × 1,000 partitions).
//
//	go test ./clickhouse/ -run '^$' -bench BenchmarkWritePositions -benchtime 10x
func BenchmarkWritePositions(b *testing.B) {
	s, _ := openMigrated(b, Options{})
	defer s.Close()
	at := time.Now()
	for b.Loop() {
		at = at.Add(10 * time.Second)
		rows := storetest.MovedPositions(10_000, at)
		if err := s.WritePositions(b.Context(), rows); err != nil {
			b.Fatal(err)
		}
	}
}
