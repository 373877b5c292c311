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
// test's Kafka clients), a check that no goroutine of ingest or sarama
// started during the test is left once Run has returned. Goroutines alive
// when it is called (another test's stragglers) are not counted.
func checkNoLeaks(t *testing.T) {
	before := map[string]bool{}
	for _, g := range leaked(nil) {
		before[goroutineID(g)] = true
	}
	t.Cleanup(func() {
		var left []string
		deadline := time.Now().Add(10 * time.Second)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if left = leaked(before); len(left) == 0 {
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

// leaked returns the stacks of goroutines in ingest or sarama code whose ID
// is not in skip.
func leaked(skip map[string]bool) []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if (strings.Contains(g, "eventscope/ingest.(*") || strings.Contains(g, "IBM/sarama")) && !skip[goroutineID(g)] {
			out = append(out, g)
		}
	}
	return out
}

// goroutineID is the "goroutine N" that heads a stack.
func goroutineID(stack string) string {
	head, _, _ := strings.Cut(stack, " [")
	return head
}

// testLog logs to t (shown on failure or with -v).
func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
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
	return startWith(t, cfg, w, nil)
}

// startWith starts an Ingester whose Run calls afterStart (when not nil)
// once it has recorded its start positions, before it joins the group.
func startWith(t *testing.T, cfg Config, w *memStore, afterStart func()) *run {
	t.Helper()
	reg := prometheus.NewRegistry()
	in, err := New(cfg, w, event.NewDecoder(event.Config{}), testLog(t), reg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	in.afterStart = afterStart
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
