package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/store"
)

// BenchmarkIngest compares, over the same records (300-byte JSON envelopes
// with 3 headers in a 3-partition topic), sarama's raw consumer-group rate
// (decode nothing, store nothing, mark every message) with the ingester's
// end-to-end rate (decode, batch, write into a no-op writer, mark, commit).
// Each iteration consumes every record with a fresh group, join included.
// EVENTSCOPE_BENCH_RECORDS sets the record count (default 200000);
// EVENTSCOPE_TEST_KAFKA points it at a real broker.
func BenchmarkIngest(b *testing.B) {
	c, topic, n := benchTopic(b)

	b.Run("raw-consumer-group", func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			rawConsume(b, c.addrs, kafkatest.Name(b, "bench-raw"), topic, int64(n))
		}
		report(b, n, cpuTime()-cpu0)
	})
	b.Run("ingest-noop-writer", func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			ingestAll(b, c.addrs, kafkatest.Name(b, "bench-ingest"), topic, int64(n), nil)
		}
		report(b, n, cpuTime()-cpu0)
	})
}

// report adds records/s, process CPU per record (user+sys, kfake's share
// included when it runs in-process) and peak RSS.
// benchTopic produces EVENTSCOPE_BENCH_RECORDS (default 200000) records into
// a new 3-partition topic.
func benchTopic(b *testing.B) (*cluster, string, int) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("EVENTSCOPE_BENCH_RECORDS")); err == nil && v > 0 {
		n = v
	}
	c := newCluster(b)
	topic := kafkatest.Name(b, "bench")
	c.createTopic(b, topic, 3, nil)
	began := time.Now()
	for first := 0; first < n; first += 10_000 {
		c.produce(b, benchRecords(topic, first, min(10_000, n-first)))
	}
	b.Logf("produced %d records in %s (real Kafka: %v)", n, time.Since(began).Round(time.Millisecond), kafkatest.Real())
	return c, topic, n
}

func report(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(n*b.N), "cpu-µs/record")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

func benchRecords(topic string, first, n int) []*sarama.ProducerMessage {
	pad := strings.Repeat("x", 120)
	out := make([]*sarama.ProducerMessage, n)
	for i := range n {
		k := first + i
		v := fmt.Sprintf(`{"eventId":"evt-%09d","eventType":"OrderPlaced","correlationId":"order-%07d","causationId":"evt-%09d","producer":"order-service","timestamp":"2026-11-23T04:00:00.123456789Z","data":{"pad":"%s"}}`,
			k, k/8, k-1, pad)
		out[i] = &sarama.ProducerMessage{
			Topic: topic, Partition: int32(k % 3),
			Key:   sarama.StringEncoder(fmt.Sprintf("order-%07d", k/8)),
			Value: sarama.StringEncoder(v[:min(len(v), 300)]),
			Headers: []sarama.RecordHeader{
				{Key: []byte("content-type"), Value: []byte("application/json")},
				{Key: []byte("traceparent"), Value: []byte("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")},
				{Key: []byte("producer"), Value: []byte("order-service")},
			},
		}
	}
	return out
}

type countHandler struct {
	n      atomic.Int64
	target int64
	done   chan struct{}
	once   sync.Once
}

func (h *countHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *countHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *countHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		sess.MarkMessage(msg, "")
		if h.n.Add(1) == h.target {
			h.once.Do(func() { close(h.done) })
		}
	}
	return nil
}

func rawConsume(b *testing.B, addrs []string, group, topic string, n int64) {
	cfg := sarama.NewConfig()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cg, err := sarama.NewConsumerGroup(addrs, group, cfg)
	if err != nil {
		b.Fatalf("consumer group: %v", err)
	}
	h := &countHandler{target: n, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{topic}, h); err != nil && ctx.Err() == nil {
				b.Errorf("consume: %v", err)
				return
			}
		}
	})
	<-h.done
	cancel()
	wg.Wait()
	if err := cg.Close(); err != nil {
		b.Errorf("close group: %v", err)
	}
}

// countWriter counts the events written through it to inner (nil: none).
type countWriter struct {
	inner  store.Writer
	n      atomic.Int64
	target int64
	done   chan struct{}
	once   sync.Once
}

func (w *countWriter) Write(ctx context.Context, evs []event.Event) error {
	if w.inner != nil {
		if err := w.inner.Write(ctx, evs); err != nil {
			return err
		}
	}
	if w.n.Add(int64(len(evs))) >= w.target {
		w.once.Do(func() { close(w.done) })
	}
	return nil
}

// ingestAll runs an Ingester over topic until n records are written into
// inner (nil: a no-op writer), then stops it (final commit included).
func ingestAll(b *testing.B, addrs []string, group, topic string, n int64, inner store.Writer) {
	w := &countWriter{inner: inner, target: n, done: make(chan struct{})}
	in, err := New(Config{Brokers: addrs, GroupID: group, FromBeginning: true,
		Topics: regexpExact(topic)}, w, event.NewDecoder(event.Config{}), nil, nil)
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	select {
	case <-w.done:
	case err := <-done:
		b.Fatalf("Run ended early: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		b.Errorf("Run: %v", err)
	}
}

// peakRSSMiB is this process's peak resident set (VmHWM), 0 if unknown.
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func regexpExact(s string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(s) + "$")
}

// cpuTime is the CPU time (user+sys) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
