package clickhouse

import (
	"fmt"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

// BenchmarkWritePositions is the store's cost of a poll in which 10,000
// consumer positions moved (a tenth of 100 groups × 1,000 partitions).
//
//	go test ./clickhouse/ -run '^$' -bench BenchmarkWritePositions -benchtime 10x
func BenchmarkWritePositions(b *testing.B) {
	s, _ := openMigrated(b, Options{})
	defer s.Close()
	at := time.Now()
	rows := make([]store.Position, 10_000)
	for b.Loop() {
		at = at.Add(10 * time.Second)
		for i := range rows {
			rows[i] = store.Position{Group: fmt.Sprintf("g%03d", i%100), Topic: fmt.Sprintf("t%02d", i/1000),
				Partition: int32(i % 1000 / 10), Committed: at.Unix(), High: at.Unix() + 5, At: at}
		}
		if err := s.WritePositions(b.Context(), rows); err != nil {
			b.Fatal(err)
		}
	}
}
