package sqlite

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// BenchmarkWriteUUID writes EVENTSCOPE_BENCH_EVENTS (default 100000)
// events as ingest delivers them from a busy cluster (scripts/bench-ingest
// has the same shape): random UUID event and flow IDs, flows of 20 spread
// over 7 topics and interleaved 500 at a time, event times over three
// days, 1% orphans, 1% out-of-order effects, 0.5% duplicates, 1% dead
// letters; in batches of EVENTSCOPE_BENCH_BATCH (default 1000). For
// profiles of the write path:
//
//	go test ./sqlite -run '^$' -bench WriteUUID -benchtime 1x -cpuprofile /tmp/w.prof
func BenchmarkWriteUUID(b *testing.B) {
	n, size := envInt(b, "EVENTSCOPE_BENCH_EVENTS", 100_000), envInt(b, "EVENTSCOPE_BENCH_BATCH", 1000)
	evs := uuidEvents(n)
	cpu0 := cpuNow()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.Context(), b.TempDir()+"/events.db", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < len(evs); i += size {
			if err := s.Write(b.Context(), evs[i:min(i+size, len(evs))]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/float64(n*b.N), "cpu-µs/event")
}

// cpuNow is the CPU time (user+sys) this process has used.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

func uuidEvents(n int) []event.Event {
	rnd := mrand.New(mrand.NewPCG(1, 2))
	now := time.Now().UTC()
	type flow struct {
		id, last string
		at       time.Time
		next     int
	}
	newFlow := func() *flow {
		return &flow{id: randUUID(), at: now.Add(-time.Duration(rnd.Int64N(int64(72 * time.Hour))))}
	}
	active := make([]*flow, 500)
	for i := range active {
		active[i] = newFlow()
	}
	offsets := map[string]int64{}
	out := make([]event.Event, 0, n)
	pad := strings.Repeat("x", 300)
	for len(out) < n {
		i := rnd.IntN(len(active))
		f := active[i]
		topic := fmt.Sprintf("topic-%d", (i+f.next)%7)
		if rnd.IntN(100) == 0 {
			topic = "payments.DLT"
		}
		id, cause, at := randUUID(), f.last, f.at.Add(time.Duration(10+rnd.IntN(490))*time.Millisecond)
		if f.next > 0 && rnd.IntN(100) == 0 {
			cause = randUUID()
		}
		if f.next > 0 && rnd.IntN(100) == 0 {
			at = f.at.Add(-time.Second)
		}
		payload := []byte(`{"eventId":"` + id + `","data":"` + pad[:240] + `"}`)
		part := int32(rnd.IntN(3))
		k := topic + strconv.Itoa(int(part))
		e := event.Event{EventID: id, CorrelationID: f.id, CausationID: cause, Type: fmt.Sprintf("Type%d", f.next%7),
			Source: fmt.Sprintf("service-%d", (i+f.next)%7), Time: at, Topic: topic, Partition: part, Offset: offsets[k],
			Key: f.id, KafkaTime: now, IngestedAt: now, Payload: payload, PayloadSize: len(payload),
			Headers:     []event.Header{{Key: "content-type", Value: "application/json"}, {Key: "correlation-id", Value: f.id}, {Key: "causation-id", Value: cause}},
			ContentType: "application/json", Convention: "json-envelope", IDSource: "json-envelope"}
		offsets[k]++
		out = append(out, e)
		if rnd.IntN(200) == 0 && len(out) < n {
			d := e
			d.Offset = offsets[k]
			offsets[k]++
			out = append(out, d) // the same event published twice
		}
		f.next++
		f.last, f.at = id, at
		if f.next == 20 {
			active[i] = newFlow()
		}
	}
	return out
}

func randUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
