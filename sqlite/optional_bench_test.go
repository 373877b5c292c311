package sqlite

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkWriteOptionalIndexes is the write cost of the optional indexes
// (WithTextIndex, WithFieldIndex): BenchmarkWriteUUID's records with
// shop-like ~300-byte payloads (nested object, array of objects, numbers:
// 11 field paths), written in batches into a fresh store with neither,
// either and both indexes, rounds interleaved by -count, e.g.
//
//	EVENTSCOPE_BENCH_EVENTS=50000 go test ./sqlite -run '^$' -bench WriteOptionalIndexes -benchtime 1x -count 3
func BenchmarkWriteOptionalIndexes(b *testing.B) {
	n, size := envInt(b, "EVENTSCOPE_BENCH_EVENTS", 50_000), envInt(b, "EVENTSCOPE_BENCH_BATCH", 1000)
	evs := uuidEvents(n)
	pad := strings.Repeat("x", 300)
	for i := range evs {
		e := &evs[i]
		p := fmt.Sprintf(`{"eventId":%q,"customer":{"id":"cus-%d","tier":"gold"},"amount":%d.%02d,"currency":"EUR","items":[{"sku":"A-%d","qty":%d},{"sku":"B-%d","qty":1}],"status":"ok","note":"`,
			e.EventID, i%5000, i%900, i%100, i%37, 1+i%3, i%11)
		p += pad[:max(0, 300-len(p)-2)] + `"}`
		e.Payload, e.PayloadSize = []byte(p), len(p)
	}
	for _, v := range []struct {
		name string
		opts []Option
	}{
		{"none", nil},
		{"text", []Option{WithTextIndex(true)}},
		{"fields", []Option{WithFieldIndex(true)}},
		{"both", []Option{WithTextIndex(true), WithFieldIndex(true)}},
	} {
		b.Run(v.name, func(b *testing.B) {
			var spent time.Duration
			cpu0 := cpuNow()
			for b.Loop() {
				b.StopTimer()
				s, err := Open(b.Context(), b.TempDir()+"/events.db", nil, v.opts...)
				if err != nil {
					b.Fatal(err)
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
