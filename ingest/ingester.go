package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Ingester consumes Kafka into a store. Create it with New and call Run once
// at a time; Ready and Stats may be called from any goroutine.
type Ingester struct {
	cfg     Config
	scfg    *sarama.Config
	w       store.Writer
	dec     *event.Decoder
	log     *slog.Logger
	met     *metrics
	st      *state
	running atomic.Bool
	// afterStart, when set (tests), runs once Run has recorded its start
	// positions and before it joins the group.
	afterStart func()
}

// New checks cfg, fills its defaults and registers the ingest metrics on reg
// (nil: not registered). A nil dec decodes with the defaults; a nil log
// discards.
func New(cfg Config, w store.Writer, dec *event.Decoder, log *slog.Logger, reg prometheus.Registerer) (*Ingester, error) {
	if w == nil {
		return nil, errors.New("ingest: no store writer")
	}
	if dec == nil {
		dec = event.NewDecoder(event.Config{})
	}
	if log == nil {
		log = discardLogger()
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("ingest config: %w", err)
	}
	scfg, err := cfg.saramaConfig()
	if err != nil {
		return nil, err
	}
	st := newState(cfg.GroupID)
	met, err := newMetrics(reg, st)
	if err != nil {
		return nil, err
	}
	return &Ingester{
		cfg: cfg, scfg: scfg, w: w, dec: dec,
		log: log.With("component", "ingest"),
		met: met, st: st,
	}, nil
}

// Ready reports whether the ingester has joined its group (or is connected
// and waits for a first matching topic); false before, after Run, and while
// joining fails.
func (in *Ingester) Ready() bool { return in.st.ready.Load() }

// Stats returns a snapshot of the counters.
func (in *Ingester) Stats() Stats { return in.st.snapshot(time.Now()) }

// Run consumes until ctx is done, then flushes, writes and commits what it
// consumed within ShutdownTimeout, leaves the group and returns. It returns an
// error at once when the brokers cannot be reached, and at the end when some
// batches could not be written before the deadline (they stay uncommitted
// and are consumed again by the next run).
func (in *Ingester) Run(ctx context.Context) error {
	if !in.running.CompareAndSwap(false, true) {
		return errors.New("ingest: already running")
	}
	defer in.running.Store(false)
	defer in.st.ready.Store(false)

	client, err := sarama.NewClient(in.cfg.Brokers, in.scfg)
	if err != nil {
		return fmt.Errorf("connect to kafka at %s: %w", strings.Join(in.cfg.Brokers, ","), err)
	}
	defer client.Close()
	topics, err := in.topics(client)
	if err != nil {
		return fmt.Errorf("list kafka topics: %w", err)
	}
	group, err := sarama.NewConsumerGroupFromClient(in.cfg.GroupID, client)
	if err != nil {
		return fmt.Errorf("consumer group %s: %w", in.cfg.GroupID, err)
	}
	var bg sync.WaitGroup
	bg.Go(func() {
		for err := range group.Errors() {
			in.st.setError(err)
			in.log.Warn("kafka consumer error", "err", err)
		}
	})

	// Writes outlive ctx by at most ShutdownTimeout: the final flush.
	var stopping atomic.Bool
	wctx, wcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer wcancel()
	bg.Go(func() { in.shutdownDeadline(ctx, wctx, wcancel, &stopping) })

	pipe := newPipeline(in.cfg, in.w, in.log, in.met, in.st)
	var pg sync.WaitGroup
	pg.Go(pipe.runBatcher)
	pg.Go(func() { pipe.runWriter(wctx) })

	known, start := in.startPositions(client, topics)
	if in.cfg.FromBeginning && known != nil {
		in.startBackfill(client, partsOf(known))
		bg.Go(func() { in.logProgress(ctx) })
	}
	if in.afterStart != nil {
		in.afterStart()
	}
	dropped := in.st.dropped.Load()
	in.log.Info("ingest starting", "brokers", in.cfg.Brokers, "group", in.cfg.GroupID,
		"topics", len(topics), "from_beginning", in.cfg.FromBeginning)

	h := &handler{
		client: client, dec: in.dec, pipe: pipe, met: in.met, st: in.st, log: in.log,
		group: in.cfg.GroupID, fromBeginning: in.cfg.FromBeginning,
		known: known, start: start, stopping: &stopping,
	}
	in.consume(ctx, client, group, h, topics)

	// Every session's Cleanup has flushed and committed; drain and leave.
	close(pipe.in)
	pg.Wait()
	if err := group.Close(); err != nil {
		in.log.Warn("leave consumer group", "err", err)
	}
	wcancel()
	bg.Wait()
	if n := in.st.dropped.Load() - dropped; n > 0 {
		return fmt.Errorf("%d batches not stored before the shutdown deadline (left uncommitted: consumed again on restart)", n)
	}
	in.log.Info("ingest stopped")
	return nil
}

// startPositions returns the partitions that exist as Run starts and, unless
// FromBeginning, their newest offsets now: where a partition without a
// committed offset starts, so that nothing produced after Run started is
// missed while the group is being joined. Without them sarama's newest
// offset at join time applies.
func (in *Ingester) startPositions(client sarama.Client, topics []string) (map[tp]bool, map[tp]int64) {
	parts, err := partitionsOf(client, topics)
	if err != nil {
		in.log.Warn("start positions unknown: sarama's defaults apply", "err", err)
		return nil, nil
	}
	known := map[tp]bool{}
	for t, ps := range parts {
		for _, p := range ps {
			known[tp{t, p}] = true
		}
	}
	if in.cfg.FromBeginning {
		return known, nil
	}
	start, err := listOffsets(client, parts, sarama.OffsetNewest)
	if err != nil {
		in.log.Warn("start offsets unknown: uncommitted partitions start at the newest offset at join", "err", err)
		return known, nil
	}
	return known, start
}

func partsOf(known map[tp]bool) map[string][]int32 {
	parts := map[string][]int32{}
	for k := range known {
		parts[k.topic] = append(parts[k.topic], k.partition)
	}
	return parts
}

// shutdownDeadline cancels the write context ShutdownTimeout after ctx ends.
func (in *Ingester) shutdownDeadline(ctx, wctx context.Context, wcancel context.CancelFunc, stopping *atomic.Bool) {
	select {
	case <-wctx.Done():
		return
	case <-ctx.Done():
	}
	stopping.Store(true)
	t := time.NewTimer(in.cfg.ShutdownTimeout)
	defer t.Stop()
	select {
	case <-t.C:
		in.log.Error("shutdown deadline passed; abandoning unwritten batches", "timeout", in.cfg.ShutdownTimeout)
		wcancel()
	case <-wctx.Done():
	}
}

// consume runs consumer-group sessions over the current topic list until ctx
// is done. A watcher cancels a session when the topic set changes, and the
// next session subscribes to the new set (sarama's Consume takes a fixed
// list). Consume errors are retried with backoff.
func (in *Ingester) consume(ctx context.Context, client sarama.Client, group sarama.ConsumerGroup, h *handler, topics []string) {
	backoff := in.cfg.RetryBackoff
	for ctx.Err() == nil {
		if len(topics) == 0 {
			in.st.ready.Store(true)
			in.log.Info("no matching topics yet; waiting")
			if next := in.watch(ctx, client, nil); next != nil {
				topics = next
			}
			continue
		}
		cctx, cancel := context.WithCancel(ctx)
		var next []string
		done := make(chan struct{})
		go func() {
			defer close(done)
			next = in.watch(cctx, client, topics)
			cancel()
		}()
		err := group.Consume(cctx, topics, h)
		cancel()
		<-done
		if next != nil {
			// The watcher ended the session (an error then is only
			// that): subscribe to the new set at once.
			in.log.Info("topic set changed", "topics", len(next), "added", diff(next, topics), "removed", diff(topics, next))
			topics = next
			continue
		}
		if err == nil || ctx.Err() != nil {
			backoff = in.cfg.RetryBackoff
			continue
		}
		in.st.setError(err)
		in.st.ready.Store(false)
		in.log.Warn("consumer group session failed; retrying", "backoff", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		backoff = min(backoff*2, in.cfg.RetryBackoffMax)
		// The failure may be a topic deleted since the list was made.
		if ts, err := in.topics(client); err == nil {
			topics = ts
		}
	}
}
