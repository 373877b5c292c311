package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// marker marks offsets for commit: a sarama ConsumerGroupSession.
type marker interface {
	MarkOffset(topic string, partition int32, offset int64, metadata string)
}

// item is a chunk of decoded records of one claim on its way to a batch,
// with the session whose offsets they advance; or (done != nil) a flush
// request. Flushes travel in the same channel as records so that a flush
// comes after every record its sender sent before it.
type item struct {
	evs    []event.Event
	m      marker
	reason string
	done   chan struct{}
}

// chunkSize bounds the records a claim hands over at once; inCap the chunks
// waiting for the batcher. initialBatchCap is the room a new batch starts
// with: a batch cut by the interval at a low rate stays small, a batch of
// a backlog grows to BatchSize.
const (
	chunkSize       = 64
	inCap           = 16
	initialBatchCap = 1024
)

// batch is a run of events of one session, or (done != nil) a barrier that
// is released once every batch queued before it has been handled.
type batch struct {
	events []event.Event
	m      marker
	reason string
	done   chan struct{}
}

// pipeline batches decoded events and writes them with one writer goroutine,
// so batches are written, and their offsets marked, in consumption order.
// Memory is bounded: inCap chunks waiting, one batch being built,
// MaxInFlight queued, one writing.
type pipeline struct {
	cfg   Config
	w     store.Writer
	log   *slog.Logger
	met   *metrics
	st    *state
	in    chan item
	queue chan batch
}

func newPipeline(cfg Config, w store.Writer, log *slog.Logger, met *metrics, st *state) *pipeline {
	return &pipeline{
		cfg: cfg, w: w, log: log, met: met, st: st,
		in:    make(chan item, inCap),
		queue: make(chan batch, cfg.MaxInFlight),
	}
}

// send hands it to the batcher, blocking while the pipeline is full. It
// returns false, having sent nothing, when stop is closed first.
func (p *pipeline) send(it item, stop <-chan struct{}) bool {
	select {
	case p.in <- it:
		return true
	case <-stop:
		return false
	}
}

// flush writes out the batch being built and returns once every event sent
// before the call has been written (offsets marked) or abandoned.
func (p *pipeline) flush(reason string) {
	done := make(chan struct{})
	p.in <- item{reason: reason, done: done}
	<-done
}

// runBatcher cuts batches by size, interval and flush requests until in is
// closed, then closes queue. A batch whose interval has passed goes as soon
// as the queue takes it and grows meanwhile: under a backlog (the writer
// busy, the queue full) batches reach BatchSize instead of holding what
// came in one interval, so commits are fewer and each costs less per event.
func (p *pipeline) runBatcher() {
	defer close(p.queue)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var timerC <-chan time.Time
	var cur batch
	due := false // the interval passed: cur goes once the queue has room
	emit := func(reason string) {
		if len(cur.events) == 0 {
			return
		}
		timer.Stop()
		timerC, due = nil, false
		cur.reason = reason
		p.queue <- cur
		cur = batch{}
	}
	for {
		var sendC chan batch
		out := cur
		if due {
			sendC, out.reason = p.queue, ReasonInterval
		}
		select {
		case sendC <- out:
			cur, due = batch{}, false
		case it, ok := <-p.in:
			if !ok {
				emit(ReasonShutdown)
				return
			}
			if it.done != nil {
				emit(it.reason)
				p.queue <- batch{done: it.done}
				continue
			}
			if len(cur.events) > 0 && cur.m != it.m {
				emit(ReasonRebalance) // never mix sessions in one batch
			}
			for evs := it.evs; len(evs) > 0; {
				if len(cur.events) == 0 {
					cur.events = make([]event.Event, 0, min(p.cfg.BatchSize, initialBatchCap))
					cur.m = it.m
					timer.Reset(p.cfg.BatchInterval)
					timerC = timer.C
				}
				n := min(len(evs), p.cfg.BatchSize-len(cur.events))
				cur.events = append(cur.events, evs[:n]...)
				evs = evs[n:]
				if len(cur.events) >= p.cfg.BatchSize {
					emit(ReasonSize)
				}
			}
		case <-timerC:
			timerC, due = nil, len(cur.events) > 0
		}
	}
}

// runWriter writes queued batches until queue is closed. ctx bounds retries:
// it is cancelled only at the shutdown deadline.
func (p *pipeline) runWriter(ctx context.Context) {
	for b := range p.queue {
		if b.done != nil {
			close(b.done)
			continue
		}
		p.met.flushes.WithLabelValues(b.reason).Inc()
		p.met.batchSize.Observe(float64(len(b.events)))
		if !p.write(ctx, b.events) {
			p.st.dropped.Add(1)
			p.met.dropped.Inc()
			continue
		}
		p.st.batches.Add(1)
		p.mark(b)
		if p.cfg.OnStored != nil {
			p.cfg.OnStored(b.events)
		}
	}
}

// write stores evs, retrying with capped exponential backoff until it
// succeeds (true) or ctx is done (false: the batch stays uncommitted and is
// redelivered after a restart).
func (p *pipeline) write(ctx context.Context, evs []event.Event) bool {
	backoff := p.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := p.w.Write(ctx, evs)
		p.met.writeDur.Observe(time.Since(start).Seconds())
		if err == nil {
			p.st.writeFail.Store(nil)
			return true
		}
		err = fmt.Errorf("write %d events: %w", len(evs), err)
		p.st.setError(err)
		p.st.writeFailed(err, start)
		if ctx.Err() != nil {
			p.log.Error("batch abandoned at the shutdown deadline; its offsets stay uncommitted",
				"events", len(evs), "err", err)
			return false
		}
		p.st.retries.Add(1)
		p.met.retries.Inc()
		p.log.Warn("store write failed; retrying", "attempt", attempt, "backoff", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			p.log.Error("batch abandoned at the shutdown deadline; its offsets stay uncommitted",
				"events", len(evs), "err", err)
			return false
		}
		backoff = min(backoff*2, p.cfg.RetryBackoffMax)
	}
}

// mark advances, for every partition in a durably written batch, the offset
// to commit to one past its last event, and updates counters.
func (p *pipeline) mark(b batch) {
	last := map[tp]int64{}
	perTopic := map[string]int{}
	for i := range b.events {
		e := &b.events[i]
		k := tp{e.Topic, e.Partition}
		if o, ok := last[k]; !ok || e.Offset > o {
			last[k] = e.Offset
		}
		perTopic[e.Topic]++
	}
	for k, off := range last {
		b.m.MarkOffset(k.topic, k.partition, off+1, "")
		ps := p.st.partition(k.topic, k.partition)
		for {
			cur := ps.next.Load()
			if off+1 <= cur || ps.next.CompareAndSwap(cur, off+1) {
				break
			}
		}
	}
	for t, n := range perTopic {
		p.st.topic(t).stored.Add(int64(n))
		p.met.stored.WithLabelValues(t).Add(float64(n))
	}
}
