package sim

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// record is one record read back from the broker, decoded.
type record struct {
	topic   string
	key     string
	headers map[string]string
	value   []byte
	ts      time.Time
	ev      inEvent
	err     error
}

// collector reads every partition of topics from the oldest offset with a
// plain sarama consumer (no group), as an outside observer would.
type collector struct {
	mu   sync.Mutex
	recs []record
	wg   sync.WaitGroup
	cons sarama.Consumer
	pcs  []sarama.PartitionConsumer
}

func newCollector(t *testing.T, addrs []string, topics []string) *collector {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.ClientID = "sim-test-collector"
	cons, err := sarama.NewConsumer(addrs, cfg)
	if err != nil {
		t.Fatalf("new consumer: %v", err)
	}
	c := &collector{cons: cons}
	for _, topic := range topics {
		parts, err := cons.Partitions(topic)
		if err != nil {
			t.Fatalf("partitions of %s: %v", topic, err)
		}
		for _, p := range parts {
			pc, err := cons.ConsumePartition(topic, p, sarama.OffsetOldest)
			if err != nil {
				t.Fatalf("consume %s/%d: %v", topic, p, err)
			}
			c.pcs = append(c.pcs, pc)
			c.wg.Go(func() {
				for m := range pc.Messages() {
					c.add(m)
				}
			})
		}
	}
	t.Cleanup(c.close)
	return c
}

func (c *collector) add(m *sarama.ConsumerMessage) {
	r := record{topic: m.Topic, key: string(m.Key), value: m.Value, ts: m.Timestamp, headers: map[string]string{}}
	for _, h := range m.Headers {
		r.headers[string(h.Key)] = string(h.Value)
	}
	r.ev, r.err = decode(m.Key, m.Value, m.Headers, m.Timestamp)
	c.mu.Lock()
	c.recs = append(c.recs, r)
	c.mu.Unlock()
}

func (c *collector) snapshot() []record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]record(nil), c.recs...)
}

func (c *collector) close() {
	for _, pc := range c.pcs {
		pc.AsyncClose()
	}
	c.wg.Wait()
	_ = c.cons.Close()
	c.pcs = nil
}

// flows groups decoded records by order ID (the Kafka key).
func flows(recs []record) map[string][]record {
	out := map[string][]record{}
	for _, r := range recs {
		out[r.key] = append(out[r.key], r)
	}
	return out
}

func ofType(rs []record, typ string) []record {
	var out []record
	for _, r := range rs {
		if r.ev.Type == typ && r.topic != TopicPaymentDLT {
			out = append(out, r)
		}
	}
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond) // poll interval, not a wait for an event
	}
}

// runShop starts Run in the background and returns a stop function that
// cancels it, waits for it and checks its error.
func runShop(t *testing.T, cfg Config) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- Run(ctx, cfg) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-errc:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("Run did not return 20s after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// checkGoroutines polls until the goroutine count is back near baseline.
func checkGoroutines(t *testing.T, baseline int) {
	t.Helper()
	const slack = 5 // go-metrics' meter arbiter and the like, started once per process
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= baseline+slack {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after shutdown, baseline %d:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
