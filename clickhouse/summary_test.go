package clickhouse

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// TestMergedCounts checks the record count merged from a flow's rollup
// rows on random flows written in random batches, some written twice
// (redeliveries). (Anomalies come from the diagnose engine: see
// diagnosis.go and the conformance suite.)
func TestMergedCounts(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for round := range 3000 {
		n := 1 + rnd.IntN(6)
		var all []event.Event
		for i := range n {
			e := event.Event{EventID: fmt.Sprintf("e%d", rnd.IntN(n+1)), CorrelationID: "c", Topic: "t",
				Offset: int64(i), Time: t0.Add(time.Duration(rnd.IntN(5)) * time.Second)}
			if rnd.IntN(3) > 0 {
				e.CausationID = fmt.Sprintf("e%d", rnd.IntN(n+2))
			}
			if rnd.IntN(10) == 0 {
				e.Topic = "orders.DLT"
			}
			e.KafkaTime = e.Time
			all = append(all, e)
		}
		m := merged{flow: "c", first: nanos(all[0].Time), last: nanos(all[0].Time)}
		recs, pairs := map[uint64]bool{}, map[uint64]bool{}
		for rest := all; len(rest) > 0; {
			k := 1 + rnd.IntN(len(rest))
			for range 1 + rnd.IntN(2) {
				f := rollUp(rest[:k], nil).flows[0]
				for _, r := range f.records {
					recs[r] = true
				}
				for _, p := range f.idTopics {
					pairs[p] = true
				}
				m.first, m.last = min(m.first, f.first), max(m.last, f.last)
				m.deadLetter = max(m.deadLetter, f.deadLetter)
			}
			rest = rest[k:]
		}
		m.records, m.idTopics = uint64(len(recs)), uint64(len(pairs))
		if got := m.summary(); got.EventCount != n {
			t.Fatalf("round %d: %d events, want %d\n%+v", round, got.EventCount, n, all)
		}
	}
}
