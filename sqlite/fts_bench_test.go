package sqlite

import (
	"testing"
	"time"
)

// BenchmarkWritePayloadIndex is the write cost of the payload trigram
// index (migrations 0014, 0015): BenchmarkWriteUUID's writes with the index kept
// in step, and with its triggers dropped, rounds interleaved, e.g.
//
//	EVENTSCOPE_BENCH_EVENTS=100000 go test ./sqlite -run '^$' -bench WritePayloadIndex -benchtime 1x -count 3
func BenchmarkWritePayloadIndex(b *testing.B) {
	n, size := envInt(b, "EVENTSCOPE_BENCH_EVENTS", 100_000), envInt(b, "EVENTSCOPE_BENCH_BATCH", 1000)
	evs := uuidEvents(n)
	for _, indexed := range []bool{true, false} {
		name := "index"
		if !indexed {
			name = "no-index"
		}
		b.Run(name, func(b *testing.B) {
			var spent time.Duration
			cpu0 := cpuNow()
			for b.Loop() {
				b.StopTimer()
				s, err := Open(b.Context(), b.TempDir()+"/events.db", nil)
				if err != nil {
					b.Fatal(err)
				}
				if !indexed {
					if _, err := s.w.ExecContext(b.Context(), `DROP TRIGGER payload_fts_insert`); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				for i := 0; i < len(evs); i += size {
					if err := s.Write(b.Context(), evs[i:min(i+size, len(evs))]); err != nil {
						b.Fatal(err)
					}
				}
				spent += time.Since(start)
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/spent.Seconds(), "events/s")
			b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/float64(n*b.N), "cpu-µs/event")
		})
	}
}
