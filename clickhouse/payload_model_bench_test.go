package clickhouse

import (
	"crypto/rand"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// benchPayloadBatch is n events of 20-event flows with the bench's
// ~300-byte payloads (clickhouse/bench: eventId, eventType, producer,
// data.orderId, data.step, data.note), random UUIDs.
func benchPayloadBatch(n int, at time.Time) []event.Event {
	uuid := func() string {
		b := make([]byte, 16)
		rand.Read(b)
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	}
	pad := strings.Repeat("x", 180)
	evs := make([]event.Event, n)
	var flow string
	for i := range evs {
		if i%20 == 0 {
			flow = uuid()
		}
		id := uuid()
		p := fmt.Sprintf(`{"eventId":%q,"eventType":"OrderPlaced","producer":"orders","data":{"orderId":%q,"step":%d,"note":"%s"}}`,
			id, flow, i%20, pad)
		t := at.Add(time.Duration(i) * time.Millisecond)
		evs[i] = event.Event{EventID: id, CorrelationID: flow, Type: "OrderPlaced", Source: "orders", Topic: "orders",
			Offset: int64(i), Time: t, KafkaTime: t, Payload: []byte(p), PayloadSize: len(p)}
	}
	return evs
}

// BenchmarkWritePayloadModel is what the payload field read model adds to
// a Write: "write" is Store.Write of a batch (events, read models, payload
// model), "model" the payload model's part alone (payloadRollUp and its
// two inserts), interleaved on the same batches; cpu-µs/event is this
// process's CPU (the server's is not in it).
//
//	go test ./clickhouse/ -run '^$' -bench WritePayloadModel -benchtime 20x -count 3
func BenchmarkWritePayloadModel(b *testing.B) {
	s, _ := openMigrated(b, Options{})
	defer s.Close()
	const n = 5000
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	run := func(b *testing.B, do func([]event.Event) error) {
		var cpu time.Duration
		for b.Loop() {
			evs := benchPayloadBatch(n, at)
			at = at.Add(time.Hour)
			c0 := cpuTime()
			if err := do(evs); err != nil {
				b.Fatal(err)
			}
			cpu += cpuTime() - c0
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/event")
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-µs/event")
	}
	b.Run("write", func(b *testing.B) {
		run(b, func(evs []event.Event) error { return s.Write(b.Context(), evs) })
	})
	b.Run("model", func(b *testing.B) {
		run(b, func(evs []event.Event) error {
			r := &rollup{payload: payloadRollUp(evs)}
			if err := insertPayloadPaths(b.Context(), s.conn, r); err != nil {
				return err
			}
			return insertPayloadValues(b.Context(), s.conn, r)
		})
	})
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
