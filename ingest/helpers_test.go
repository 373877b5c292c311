package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
)

// coord is a record's identity.
type coord struct {
	Topic     string
	Partition int32
	Offset    int64
}

// memStore is an in-memory store.Writer keyed by record coordinates. It can
// fail every failEvery-th call, take delay per call, and counts how often
// each record was written (a repeat is an idempotent no-op).
type memStore struct {
	mu        sync.Mutex
	events    map[coord]event.Event
	writes    map[coord]int
	sizes     []int // events per successful write
	calls     int
	failEvery int
	failAll   bool
	delay     time.Duration
}

func newMemStore() *memStore {
	return &memStore{events: map[coord]event.Event{}, writes: map[coord]int{}}
}

func (s *memStore) Write(ctx context.Context, evs []event.Event) error {
	s.mu.Lock()
	s.calls++
	n, fail, delay := s.calls, s.failAll || (s.failEvery > 0 && s.calls%s.failEvery == 0), s.delay
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail {
		return fmt.Errorf("injected failure of write call %d", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sizes = append(s.sizes, len(evs))
	for _, e := range evs {
		c := coord{e.Topic, e.Partition, e.Offset}
		if _, ok := s.events[c]; !ok {
			s.events[c] = e
		}
		s.writes[c]++
	}
	return nil
}

func (s *memStore) setFailAll(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = v
}

func (s *memStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// repeats is how many writes stored a record already stored.
func (s *memStore) repeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, w := range s.writes {
		n += w - 1
	}
	return n
}

func (s *memStore) get(c coord) (event.Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.events[c]
	return e, ok
}

// checkSet fails t unless the store holds exactly the records want.
func (s *memStore) checkSet(t *testing.T, want []coord) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	missing := 0
	for _, c := range want {
		if _, ok := s.events[c]; !ok {
			if missing < 5 {
				t.Errorf("record %v never stored", c)
			}
			missing++
		}
	}
	if missing > 0 || len(s.events) != len(want) {
		t.Errorf("store holds %d records, want %d (%d missing)", len(s.events), len(want), missing)
	}
}

// eventually polls cond every 10 ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// checkNoLeaks registers, to run after every later-registered cleanup (the
// test's Kafka clients), a check that no goroutine of ingest or sarama is
// left once Run has returned.
func checkNoLeaks(t *testing.T) {
	t.Cleanup(func() {
		var left []string
		deadline := time.Now().Add(10 * time.Second)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if left = leaked(); len(left) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines left after Run returned:\n%s", len(left), strings.Join(left, "\n\n"))
				return
			}
			<-tick.C
		}
	})
}

func leaked() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "eventscope/ingest.(*") || strings.Contains(g, "IBM/sarama") {
			out = append(out, g)
		}
	}
	return out
}

// testLog logs to t (shown on failure or with -v).
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// cluster is the test's Kafka (kfake, or EVENTSCOPE_TEST_KAFKA) with an
// admin client and a producer.
type cluster struct {
	addrs  []string
	admin  sarama.ClusterAdmin
	client sarama.Client
	prod   sarama.SyncProducer
}

func clientConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = "eventscope-ingest-test"
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewManualPartitioner
	c.Producer.MaxMessageBytes = 16 << 20
	c.Metadata.Retry.Backoff = 50 * time.Millisecond
	return c
}

func newCluster(t testing.TB) *cluster {
	t.Helper()
	c := &cluster{addrs: kafkatest.Broker(t)}
	var err error
	if c.client, err = sarama.NewClient(c.addrs, clientConfig()); err != nil {
		t.Fatalf("kafka client: %v", err)
	}
	t.Cleanup(func() { c.client.Close() })
	if c.admin, err = sarama.NewClusterAdminFromClient(c.client); err != nil {
		t.Fatalf("kafka admin: %v", err)
	}
	if c.prod, err = sarama.NewSyncProducerFromClient(c.client); err != nil {
		t.Fatalf("kafka producer: %v", err)
	}
	t.Cleanup(func() { c.prod.Close() })
	return c
}

// createTopic creates topic with parts partitions (and topic configs) and
// waits until its partitions have leaders.
func (c *cluster) createTopic(t testing.TB, topic string, parts int32, configs map[string]string) {
	t.Helper()
	d := &sarama.TopicDetail{NumPartitions: parts, ReplicationFactor: 1, ConfigEntries: map[string]*string{}}
	for k, v := range configs {
		d.ConfigEntries[k] = &v
	}
	if err := c.admin.CreateTopic(topic, d, false); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	if kafkatest.Real() {
		t.Cleanup(func() { _ = c.admin.DeleteTopic(topic) })
	}
	eventually(t, 30*time.Second, "partition leaders of "+topic, func() bool {
		if err := c.client.RefreshMetadata(topic); err != nil {
			return false
		}
		ps, err := c.client.Partitions(topic)
		if err != nil || len(ps) != int(parts) {
			return false
		}
		for _, p := range ps {
			if _, err := c.client.Leader(topic, p); err != nil {
				return false
			}
		}
		return true
	})
}

// produce sends msgs (Partition set by the caller) and returns their
// coordinates.
func (c *cluster) produce(t testing.TB, msgs []*sarama.ProducerMessage) []coord {
	t.Helper()
	for chunk := range slicesChunk(msgs, 500) {
		if err := c.prod.SendMessages(chunk); err != nil {
			t.Fatalf("produce %d records: %v", len(chunk), err)
		}
	}
	out := make([]coord, len(msgs))
	for i, m := range msgs {
		out[i] = coord{m.Topic, m.Partition, m.Offset}
	}
	return out
}

func slicesChunk[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// records makes n JSON-envelope records spread over topic's parts
// partitions, numbered from first.
func records(topic string, parts int32, first, n int) []*sarama.ProducerMessage {
	out := make([]*sarama.ProducerMessage, n)
	for i := range n {
		k := first + i
		out[i] = &sarama.ProducerMessage{
			Topic:     topic,
			Partition: int32(k) % parts,
			Key:       sarama.StringEncoder(fmt.Sprintf("order-%d", k)),
			Value: sarama.StringEncoder(fmt.Sprintf(
				`{"eventId":"%s-%d","eventType":"OrderPlaced","correlationId":"flow-%d","producer":"test"}`, topic, k, k%50)),
			Headers: []sarama.RecordHeader{{Key: []byte("idx"), Value: []byte(fmt.Sprint(k))}},
		}
	}
	return out
}

// checkCommitted fails t unless group's committed offsets equal the high
// watermarks of every partition of topics.
func (c *cluster) checkCommitted(t *testing.T, group string, topics ...string) {
	t.Helper()
	parts := map[string][]int32{}
	for _, tp := range topics {
		ps, err := c.client.Partitions(tp)
		if err != nil {
			t.Fatalf("partitions of %s: %v", tp, err)
		}
		parts[tp] = ps
	}
	resp, err := c.admin.ListConsumerGroupOffsets(group, parts)
	if err != nil {
		t.Fatalf("committed offsets of %s: %v", group, err)
	}
	for tp, ps := range parts {
		for _, p := range ps {
			hwm, err := c.client.GetOffset(tp, p, sarama.OffsetNewest)
			if err != nil {
				t.Fatalf("high watermark %s/%d: %v", tp, p, err)
			}
			b := resp.GetBlock(tp, p)
			if b == nil || b.Offset != hwm {
				got := int64(-1)
				if b != nil {
					got = b.Offset
				}
				t.Errorf("%s/%d: committed offset %d, high watermark %d", tp, p, got, hwm)
			}
		}
	}
}

// testConfig is a Config for fast tests over the topics starting with base.
func testConfig(addrs []string, group, base string) Config {
	sc := sarama.NewConfig()
	sc.ClientID = "eventscope-ingest-test"
	sc.Consumer.Group.Heartbeat.Interval = 100 * time.Millisecond
	sc.Consumer.Group.Session.Timeout = 6 * time.Second
	sc.Consumer.Group.Rebalance.Timeout = 10 * time.Second
	sc.Consumer.Group.Rebalance.Retry.Backoff = 100 * time.Millisecond
	sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRoundRobin()}
	sc.Consumer.Offsets.AutoCommit.Interval = 100 * time.Millisecond
	sc.Metadata.Retry.Backoff = 50 * time.Millisecond
	return Config{
		Brokers:         addrs,
		GroupID:         group,
		Topics:          regexp.MustCompile("^" + regexp.QuoteMeta(base)),
		FromBeginning:   true,
		BatchSize:       100,
		BatchInterval:   20 * time.Millisecond,
		RefreshInterval: 200 * time.Millisecond,
		ShutdownTimeout: 10 * time.Second,
		RetryBackoff:    5 * time.Millisecond,
		RetryBackoffMax: 50 * time.Millisecond,
		ProgressEvery:   200 * time.Millisecond,
		Sarama:          sc,
	}
}

// run is an Ingester running in the background.
type run struct {
	in     *Ingester
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan error
	err    error
	ended  bool
}

func start(t *testing.T, cfg Config, w *memStore) *run {
	t.Helper()
	reg := prometheus.NewRegistry()
	in, err := New(cfg, w, event.NewDecoder(event.Config{}), testLog(t), reg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{in: in, reg: reg, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- in.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Run and waits for it to return, once.
func (r *run) stop(t *testing.T) error {
	t.Helper()
	if r.ended {
		return r.err
	}
	r.cancel()
	select {
	case r.err = <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("Run did not return within 30 s of cancel")
	}
	r.ended = true
	return r.err
}

// metric sums the samples of the named metric family whose labels include
// the given name=value pairs.
func (r *run) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					found = found || (lp.GetName() == labels[i] && lp.GetValue() == labels[i+1])
				}
				if !found {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				sum += m.GetCounter().GetValue()
			case m.Gauge != nil:
				sum += m.GetGauge().GetValue()
			case m.Histogram != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}
