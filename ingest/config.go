package ingest

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
)

// Defaults of Config.
const (
	DefaultGroupID         = "eventscope-tracer"
	DefaultBatchSize       = 1000
	DefaultBatchInterval   = 200 * time.Millisecond
	DefaultMaxInFlight     = 1
	DefaultRefreshInterval = 5 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
	DefaultRetryBackoff    = 100 * time.Millisecond
	DefaultRetryBackoffMax = 5 * time.Second
	DefaultProgressEvery   = 5 * time.Second
)

// Config tunes an Ingester. Only Brokers is required.
type Config struct {
	// Brokers are the bootstrap brokers, "host:port".
	Brokers []string
	// GroupID is the consumer group; never an application's own group.
	GroupID string
	// Topics selects the topics to consume (MatchString, so anchor it to
	// match whole names); nil consumes all.
	Topics *regexp.Regexp
	// ExcludeTopics drops matching topics; internal "__*" topics are
	// always excluded.
	ExcludeTopics *regexp.Regexp
	// FromBeginning starts partitions without a committed offset at the
	// oldest offset (a backfill); otherwise at the newest. Topics created
	// while running are always read from their oldest offset.
	FromBeginning bool
	// BatchSize flushes a batch at this many events.
	BatchSize int
	// BatchInterval flushes a non-empty batch this long after its first event.
	BatchInterval time.Duration
	// MaxInFlight bounds the batches queued for the writer; consumption
	// blocks (backpressure) while the queue is full. One queued batch is
	// enough to keep the one writer busy while the next is built; each
	// more holds a whole batch in memory (10000 events of the embedded
	// store are ~27 MB; docs/PERFORMANCE.md, Ingest).
	MaxInFlight int
	// RefreshInterval is how often the topic list is refreshed.
	RefreshInterval time.Duration
	// ShutdownTimeout bounds the final flush and commit once Run's context
	// is done.
	ShutdownTimeout time.Duration
	// RetryBackoff and RetryBackoffMax bound the exponential backoff between
	// retries of a failed write. A failed write is retried until it succeeds
	// or the shutdown deadline passes; it is never dropped.
	RetryBackoff    time.Duration
	RetryBackoffMax time.Duration
	// ProgressEvery is how often backfill progress is logged.
	ProgressEvery time.Duration
	// Sarama is an optional base client configuration (TLS, SASL, version);
	// nil means sensible defaults. Ingest overrides what it relies on:
	// Consumer.Return.Errors, Consumer.Offsets.Initial and auto-commit.
	Sarama *sarama.Config
	// OnStored, when set, is called with each batch after it is durably
	// written and its offsets marked (the live tail). It runs on the
	// writer goroutine, so it must not block; ingest does not touch the
	// slice afterwards.
	OnStored func([]event.Event)
}

func (c Config) withDefaults() Config {
	setDur := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	if c.GroupID == "" {
		c.GroupID = DefaultGroupID
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	setDur(&c.BatchInterval, DefaultBatchInterval)
	setDur(&c.RefreshInterval, DefaultRefreshInterval)
	setDur(&c.ShutdownTimeout, DefaultShutdownTimeout)
	setDur(&c.RetryBackoff, DefaultRetryBackoff)
	setDur(&c.RetryBackoffMax, DefaultRetryBackoffMax)
	setDur(&c.ProgressEvery, DefaultProgressEvery)
	return c
}

func (c Config) validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("no kafka brokers given")
	}
	for _, b := range c.Brokers {
		if strings.TrimSpace(b) == "" {
			return fmt.Errorf("empty kafka broker address in %q", c.Brokers)
		}
	}
	return nil
}

// saramaConfig returns the client configuration ingest runs with.
func (c Config) saramaConfig() (*sarama.Config, error) {
	var sc *sarama.Config
	if c.Sarama != nil {
		cp := *c.Sarama
		sc = &cp
	} else {
		sc = sarama.NewConfig()
		sc.ClientID = "eventscope-tracer"
		sc.Net.DialTimeout = 5 * time.Second
		sc.Metadata.Retry.Max = 2
		// Round robin spreads the partitions of all topics evenly over
		// the members; range would give one member the larger share of
		// every topic.
		sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRoundRobin()}
	}
	// A fetch response stays in memory until the last of its records is
	// written: at sarama's defaults (1 MiB per partition a fetch, 256
	// records buffered per partition) they were ~25 MB of a backfill's
	// heap (docs/PERFORMANCE.md, Ingest); a batch takes 10000 records.
	if sc.Consumer.Fetch.Default == sarama.NewConfig().Consumer.Fetch.Default {
		sc.Consumer.Fetch.Default = 256 << 10
	}
	if sc.ChannelBufferSize == sarama.NewConfig().ChannelBufferSize {
		sc.ChannelBufferSize = 64
	}
	sc.Consumer.Return.Errors = true
	sc.Consumer.Offsets.AutoCommit.Enable = true
	if sc.Consumer.Offsets.AutoCommit.Interval <= 0 {
		sc.Consumer.Offsets.AutoCommit.Interval = time.Second
	}
	sc.Consumer.Offsets.Initial = sarama.OffsetNewest
	if c.FromBeginning {
		sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("kafka client config: %w", err)
	}
	return sc, nil
}

// wanted reports whether topic is consumed under c's include/exclude rules.
func (c Config) wanted(topic string) bool {
	if strings.HasPrefix(topic, "__") {
		return false
	}
	if c.Topics != nil && !c.Topics.MatchString(topic) {
		return false
	}
	if c.ExcludeTopics != nil && c.ExcludeTopics.MatchString(topic) {
		return false
	}
	return true
}

func discardLogger() *slog.Logger {
	return slog.New(slog.DiscardHandler)
}
