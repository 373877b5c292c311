package ingest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
)

// marks records MarkOffset calls, and what the store held at each.
type marks struct {
	mu     sync.Mutex
	w      *memStore
	got    map[tp]int64
	before []string // violations: a mark ahead of what the store holds
}

func (m *marks) MarkOffset(topic string, partition int32, offset int64, _ string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.w.get(coord{topic, partition, offset - 1}); !ok {
		m.before = append(m.before, event.Coordinates(topic, partition, offset-1))
	}
	m.got[tp{topic, partition}] = offset
}

func (m *marks) snapshot() map[tp]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[tp]int64{}
	for k, v := range m.got {
		out[k] = v
	}
	return out
}

type testPipe struct {
	p    *pipeline
	wg   sync.WaitGroup
	once sync.Once
	stop context.CancelFunc
}

func newTestPipe(t *testing.T, cfg Config, w *memStore) *testPipe {
	t.Helper()
	met, err := newMetrics(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RetryBackoff, cfg.RetryBackoffMax = time.Millisecond, 4*time.Millisecond
	pp := &testPipe{p: newPipeline(cfg.withDefaults(), w, testLog(t), met, newState("g"))}
	ctx, cancel := context.WithCancel(context.Background())
	pp.stop = cancel
	pp.wg.Go(pp.p.runBatcher)
	pp.wg.Go(func() { pp.p.runWriter(ctx) })
	t.Cleanup(pp.close)
	return pp
}

// close ends the pipeline once it has written everything sent.
func (pp *testPipe) close() {
	pp.once.Do(func() {
		close(pp.p.in)
		pp.wg.Wait()
		pp.stop()
	})
}

func ev(topic string, partition int32, offset int64) event.Event {
	return event.Event{Topic: topic, Partition: partition, Offset: offset}
}

// TestPipelineMarksOnlyWrittenOffsets: batches cut by size, interval and
// flush; every mark comes after the write holding its record, even when
// writes fail and are retried; the last marks are one past the last records.
func TestPipelineMarksOnlyWrittenOffsets(t *testing.T) {
	for _, failEvery := range []int{0, 2, 3} {
		w := newMemStore()
		w.failEvery = failEvery
		m := &marks{w: w, got: map[tp]int64{}}
		pp := newTestPipe(t, Config{BatchSize: 10, BatchInterval: 5 * time.Millisecond}, w)
		for i := range 95 {
			pp.p.send(item{evs: []event.Event{ev("t", int32(i%3), int64(i/3))}, m: m}, nil)
		}
		pp.p.flush(ReasonRebalance)
		if w.count() != 95 {
			t.Fatalf("failEvery %d: %d events stored after flush, want 95", failEvery, w.count())
		}
		want := map[tp]int64{{"t", 0}: 32, {"t", 1}: 32, {"t", 2}: 31}
		if diff := cmp.Diff(want, m.snapshot(), cmp.AllowUnexported(tp{})); diff != "" {
			t.Errorf("failEvery %d: marks (-want +got):\n%s", failEvery, diff)
		}
		if len(m.before) > 0 {
			t.Errorf("failEvery %d: marked before written: %v", failEvery, m.before)
		}
		if failEvery > 0 && pp.p.st.retries.Load() == 0 {
			t.Errorf("failEvery %d: no retries counted", failEvery)
		}
		pp.close()
	}
}

// TestPipelineSplitsChunks: chunks larger than what is left of a batch are
// split so that no batch exceeds BatchSize.
func TestPipelineSplitsChunks(t *testing.T) {
	w := newMemStore()
	m := &marks{w: w, got: map[tp]int64{}}
	pp := newTestPipe(t, Config{BatchSize: 100, BatchInterval: time.Hour}, w)
	var chunk []event.Event
	for i := range 250 {
		chunk = append(chunk, ev("t", 0, int64(i)))
	}
	pp.p.send(item{evs: chunk[:30], m: m}, nil)
	pp.p.send(item{evs: chunk[30:], m: m}, nil)
	pp.p.flush(ReasonShutdown)
	if diff := cmp.Diff([]int{100, 100, 50}, w.sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
}

// TestPipelineIntervalFlush: a batch smaller than BatchSize is written once
// BatchInterval has passed, without any flush request.
func TestPipelineIntervalFlush(t *testing.T) {
	w := newMemStore()
	m := &marks{w: w, got: map[tp]int64{}}
	pp := newTestPipe(t, Config{BatchSize: 1000, BatchInterval: 10 * time.Millisecond}, w)
	pp.p.send(item{evs: []event.Event{ev("t", 0, 7)}, m: m}, nil)
	eventually(t, 5*time.Second, "interval flush", func() bool { return m.snapshot()[tp{"t", 0}] == 8 })
}

// blockingStore blocks every Write until release is closed.
type blockingStore struct {
	calls   atomic.Int64
	release chan struct{}
	inner   *memStore
}

func (s *blockingStore) Write(ctx context.Context, evs []event.Event) error {
	s.calls.Add(1)
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.inner.Write(ctx, evs)
}

// TestPipelineBackpressure: with the store stuck, the pipeline takes a
// bounded number of events and then blocks the sender; nothing is lost when
// the store comes back.
func TestPipelineBackpressure(t *testing.T) {
	const batchSize, inFlight, total = 10, 2, 2000
	s := &blockingStore{release: make(chan struct{}), inner: newMemStore()}
	met, _ := newMetrics(nil, nil)
	cfg := Config{BatchSize: batchSize, MaxInFlight: inFlight, BatchInterval: time.Hour}.withDefaults()
	p := newPipeline(cfg, s, testLog(t), met, newState("g"))
	var wg sync.WaitGroup
	wg.Go(p.runBatcher)
	wg.Go(func() { p.runWriter(context.Background()) })
	m := &marks{w: s.inner, got: map[tp]int64{}}

	var sent atomic.Int64
	sender := make(chan struct{})
	go func() {
		defer close(sender)
		for i := range total {
			p.send(item{evs: []event.Event{ev("t", 0, int64(i))}, m: m}, nil)
			sent.Add(1)
		}
	}()
	// Held at most: one batch writing, inFlight queued, one full batch the
	// batcher waits to queue, and the input buffer.
	bound := int64(batchSize*(1+inFlight+1) + cap(p.in))
	eventually(t, 5*time.Second, "pipeline full", func() bool {
		return len(p.in) == cap(p.in) && len(p.queue) == inFlight && sent.Load() == bound
	})
	if got := s.calls.Load(); got != 1 {
		t.Errorf("%d writes started while the store is stuck, want 1", got)
	}
	close(s.release)
	<-sender
	close(p.in)
	wg.Wait()
	if got := s.inner.count(); got != total {
		t.Errorf("%d events stored, want %d", got, total)
	}
	if got := m.snapshot()[tp{"t", 0}]; got != total {
		t.Errorf("last mark %d, want %d", got, total)
	}
}

// TestPipelineBatchesGrowUnderBacklog: while the writer is busy and the
// queue full, a batch whose interval has passed keeps taking events (up to
// BatchSize) instead of waiting with what one interval brought.
func TestPipelineBatchesGrowUnderBacklog(t *testing.T) {
	s := &blockingStore{release: make(chan struct{}), inner: newMemStore()}
	met, _ := newMetrics(nil, nil)
	cfg := Config{BatchSize: 100, MaxInFlight: 1, BatchInterval: time.Millisecond}.withDefaults()
	p := newPipeline(cfg, s, testLog(t), met, newState("g"))
	var wg sync.WaitGroup
	wg.Go(p.runBatcher)
	wg.Go(func() { p.runWriter(context.Background()) })
	m := &marks{w: s.inner, got: map[tp]int64{}}
	p.send(item{evs: []event.Event{ev("t", 0, 0)}, m: m}, nil)
	eventually(t, 5*time.Second, "first write started", func() bool { return s.calls.Load() == 1 })
	p.send(item{evs: []event.Event{ev("t", 0, 1)}, m: m}, nil)
	eventually(t, 5*time.Second, "second batch queued", func() bool { return len(p.queue) == 1 })
	var sent atomic.Int64
	go func() {
		for i := range 80 {
			if i == 40 {
				// Not a wait for a condition: the batch's interval must
				// pass while it is held (before, it then stopped taking).
				time.Sleep(20 * cfg.BatchInterval)
			}
			p.send(item{evs: []event.Event{ev("t", 0, int64(2+i))}, m: m}, nil)
			sent.Add(1)
		}
	}()
	eventually(t, 5*time.Second, "80 more taken while the store is stuck", func() bool {
		return sent.Load() == 80 && len(p.in) == 0
	})
	close(s.release)
	close(p.in)
	wg.Wait()
	if diff := cmp.Diff([]int{1, 1, 80}, s.inner.sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
}

// TestPipelineAbandonsAtDeadline: when the write context ends (shutdown
// deadline), a failing batch is abandoned unmarked and flush still returns.
func TestPipelineAbandonsAtDeadline(t *testing.T) {
	w := newMemStore()
	w.setFailAll(true)
	m := &marks{w: w, got: map[tp]int64{}}
	met, _ := newMetrics(nil, nil)
	cfg := Config{BatchSize: 5}.withDefaults()
	cfg.RetryBackoff = time.Millisecond
	p := newPipeline(cfg, w, testLog(t), met, newState("g"))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(p.runBatcher)
	wg.Go(func() { p.runWriter(ctx) })
	for i := range 5 {
		p.send(item{evs: []event.Event{ev("t", 0, int64(i))}, m: m}, nil)
	}
	eventually(t, 5*time.Second, "retries", func() bool { return p.st.retries.Load() >= 2 })
	cancel()
	p.flush(ReasonShutdown)
	close(p.in)
	wg.Wait()
	if len(m.snapshot()) != 0 || p.st.dropped.Load() != 1 {
		t.Errorf("marks %v, abandoned %d; want no marks, 1 abandoned", m.snapshot(), p.st.dropped.Load())
	}
}
