package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/eventscope/eventscope/alert"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/ingest"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/ui"
	"github.com/eventscope/eventscope/ui/auth"
)

// shutdownTimeout bounds each step of the shutdown.
const shutdownTimeout = 10 * time.Second

func newLogger(c *config, w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel) // validated
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// server is the running tracer: store, ingest and the HTTP UI.
type server struct {
	log        *slog.Logger
	store      store.Store
	ing        *ingest.Ingester
	poll       *ingest.Poller // nil when --group-poll is 0
	http       *http.Server
	ln         net.Listener
	live       *ui.Live
	learn      *learner        // nil with --learn=false
	prod       *kafkaProducer  // the redrive producer; nil with redrive off
	alert      *alert.Notifier // nil without --alert-webhook
	alertEvery time.Duration
	reindex    *ingest.Reindexer // nil without a schema source
}

// startServer opens the store, builds ingest and the UI, and binds the HTTP
// listener (so a port in use fails at once). Nothing runs until serve.
func startServer(ctx context.Context, c *config, log *slog.Logger) (*server, error) {
	logConfig(log, c.flags)
	st, err := openStore(ctx, c.storeDSN, time.Duration(c.Retention), c.payloadIndexes(), log)
	if err != nil {
		return nil, err
	}
	dec := event.NewDecoder(decoderConfig(c))
	if c.sec.redactor.Enabled() {
		log.Info("redaction on: events are redacted before they are stored", "config", c.sec.redactFile)
	}
	if d, ok := st.(store.Diagnosing); ok {
		d.SetDiagnosis(c.diag)
	}
	live := ui.NewLive(liveBuffer, c.LiveMax)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ing, err := ingest.New(ingest.Config{
		Brokers:       c.brokers,
		GroupID:       c.GroupID,
		Topics:        c.topics,
		ExcludeTopics: c.exclude,
		FromBeginning: c.FromBeginning,
		BatchSize:     batchSize(c.BatchSize, c.storeDSN),
		BatchInterval: c.BatchInterval,
		Sarama:        c.sec.sarama,
		OnStored:      live.Publish, // never blocks: slow clients skip
	}, st, dec, log, reg)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("set up ingest: %w", err)
	}
	var poll *ingest.Poller
	groups, positions := consumerGroups(c), (func() store.GroupsSnapshot)(nil)
	if c.GroupPoll > 0 {
		ps, _ := st.(store.Positions) // nil: no history, the latest poll only
		poll = ingest.NewPoller(ingest.PollerConfig{Brokers: c.brokers, Sarama: c.sec.sarama, Interval: c.GroupPoll,
			OwnGroup: c.GroupID}, ps, log)
		groups, positions = polledGroups(poll), poll.Snapshot
		reg.MustRegister(poll) // eventscope_consumer_group_lag_seconds and friends
	}
	ln, err := net.Listen("tcp", c.HTTPAddr)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("listen on %s: %w", c.HTTPAddr, err)
	}
	redriveOpts, prod := redriveOptions(c)
	e := ui.New(ui.Options{
		Redrive: redriveOpts,
		Store:   readStore(st, dec, c),
		Ready: func(ctx context.Context) error {
			if !ing.Ready() {
				return errors.New("ingest has not joined the consumer group yet")
			}
			if err := ing.WriteHealth(); err != nil {
				return err
			}
			return st.Ping(ctx)
		},
		Stats:     func() ui.IngestStats { return uiStats(ing.Stats()) },
		Metrics:   promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}),
		Logger:    log.With("component", "ui"),
		Graph:     c.graph,
		Live:      live,
		Groups:    groups,
		Positions: positions,
		// The totals count every record: seconds on ClickHouse at 10M events.
		StatsTTL: 5 * time.Second,
	})
	mws, err := auth.Middleware(c.sec.auth)
	if err != nil {
		ln.Close()
		st.Close()
		return nil, fmt.Errorf("set up http protection: %w", err)
	}
	e.Use(mws...)
	// Pages are mostly SVG and tables: a 1k-event flow page is 965 KiB,
	// 65 KiB compressed. The live tail's event stream is left alone.
	compress, err := gzhttp.NewWrapper(gzhttp.ExceptContentTypes([]string{"text/event-stream"}))
	if err != nil {
		ln.Close()
		st.Close()
		return nil, fmt.Errorf("set up compression: %w", err)
	}
	// No WriteTimeout: /api/live streams for as long as the client stays;
	// the per-request deadline comes from the middleware instead.
	srv := &http.Server{
		Handler: compress(e), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
	s := &server{log: log, store: st, ing: ing, poll: poll, http: srv, ln: ln, live: live, prod: prod}
	s.alert, s.alertEvery = c.alerts.notifier(st, s.URL(), log), c.alerts.Interval
	if c.Learn {
		s.learn = &learner{st: st, cfg: &c.diag, src: c.diag.Learned, log: log}
	}
	s.reindex = reindexer(st, dec, c, log)
	return s, nil
}

// liveBuffer is how many stored batches a slow live-tail client may fall
// behind before it is told how many events it skipped.
const liveBuffer = 16

// consumerGroups lists the cluster's consumer groups for the service map.
// Each listing opens a Kafka client and asks every group's coordinator, so
// one answer serves all requests for groupsTTL.
func consumerGroups(c *config) func(ctx context.Context) ([]ui.ConsumerGroup, error) {
	var (
		mu   sync.Mutex
		last []ui.ConsumerGroup
		at   time.Time
	)
	return func(ctx context.Context) ([]ui.ConsumerGroup, error) {
		mu.Lock()
		defer mu.Unlock()
		if last != nil && time.Since(at) < groupsTTL {
			return last, nil
		}
		gs, err := ingest.ConsumerGroups(ctx, c.brokers, c.sec.sarama)
		if err != nil {
			return nil, err
		}
		out := make([]ui.ConsumerGroup, len(gs))
		for i, g := range gs {
			out[i] = ui.ConsumerGroup(g)
		}
		last, at = out, time.Now()
		return out, nil
	}
}

// groupsTTL is how long a consumer-group listing is reused.
const groupsTTL = 10 * time.Second

// decoderConfig is the decoding config with redaction: the decoder
// redacts each event while its payload is whole, before the payload cap
// cuts it (so a value beyond the cap is masked too), and everything that
// decodes records (ingest, decode on read, the reindexer) redacts alike;
// the live tail sees the stored, redacted events.
func decoderConfig(c *config) event.Config {
	cfg := c.Decoding.event
	if c.sec.redactor.Enabled() {
		cfg.Redact = c.sec.redactor.Apply
	}
	return cfg
}

// URL is where the UI is served.
func (s *server) URL() string { return "http://" + s.ln.Addr().String() }

// run serves until ctx is done, then shuts down in order: stop accepting
// HTTP, stop consuming, flush and commit (inside ingest's Run), close the
// store. beforeIngestStop runs after HTTP has stopped (the demo stops its
// simulated services there).
func (s *server) run(ctx context.Context, beforeIngestStop func()) error {
	ingCtx, stopIngest := context.WithCancel(context.WithoutCancel(ctx))
	defer stopIngest()
	ingDone := make(chan error, 1)
	go func() { ingDone <- s.ing.Run(ingCtx) }()
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		if s.poll != nil {
			s.poll.Run(ingCtx)
		}
	}()
	alertDone := make(chan struct{})
	go func() {
		defer close(alertDone)
		if s.alert != nil {
			s.alert.Run(ingCtx, s.alertEvery)
		}
	}()
	learnDone := make(chan struct{})
	go func() {
		defer close(learnDone)
		if s.learn != nil {
			s.learn.run(ingCtx)
		}
	}()
	reindexDone := make(chan struct{})
	go func() {
		defer close(reindexDone)
		if s.reindex != nil {
			s.reindex.Run(ingCtx)
		}
	}()
	httpDone := make(chan error, 1)
	go func() { httpDone <- s.http.Serve(s.ln) }()
	s.log.Info("eventscope is up", "url", s.URL())

	var runErr error
	select {
	case <-ctx.Done():
		s.log.Info("shutting down")
	case err := <-ingDone:
		runErr = fmt.Errorf("ingest stopped: %w", err)
		ingDone <- nil
	case err := <-httpDone:
		runErr = fmt.Errorf("http server stopped: %w", err)
		httpDone <- nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	s.live.Close() // ends the live-tail streams, which Shutdown would wait for
	if err := s.http.Shutdown(sctx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	if s.prod != nil {
		if err := s.prod.Close(); err != nil {
			s.log.Warn("redrive producer close", "err", err)
		}
	}
	if beforeIngestStop != nil {
		beforeIngestStop()
	}
	stopIngest()
	<-pollDone
	<-learnDone
	<-reindexDone
	<-alertDone
	if err := <-ingDone; err != nil && !errors.Is(err, context.Canceled) && runErr == nil {
		runErr = fmt.Errorf("ingest: %w", err)
	}
	if err := s.store.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close store: %w", err)
	}
	if runErr == nil {
		s.log.Info("stopped cleanly")
	}
	return runErr
}

// polledGroups lists the consumer groups for the service map from the
// poller's latest snapshot, instead of asking the cluster again.
func polledGroups(p *ingest.Poller) func(ctx context.Context) ([]ui.ConsumerGroup, error) {
	return func(context.Context) ([]ui.ConsumerGroup, error) {
		s := p.Snapshot()
		if s.At.IsZero() && s.Err != "" {
			return nil, errors.New(s.Err)
		}
		out := make([]ui.ConsumerGroup, 0, len(s.Groups))
		for _, g := range s.Groups {
			cg := ui.ConsumerGroup{Name: g.Name, State: g.State, Members: g.Members, Topics: []string{}, Lag: -1}
			for _, p := range g.Partitions {
				if !slices.Contains(cg.Topics, p.Topic) {
					cg.Topics = append(cg.Topics, p.Topic)
				}
				cg.Lag = max(cg.Lag, 0) + p.Behind()
			}
			out = append(out, cg)
		}
		return out, nil
	}
}
