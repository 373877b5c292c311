package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

const (
	maxFlushBytes  = 512 << 10 // kfake rejects larger batches
	maxPending     = 4096      // delayed publications per service
	dedupeCapacity = 8192      // event IDs each service remembers
	consumeBackoff = time.Second
)

// saramaConfig builds a validated client config for one service.
func saramaConfig(base func() *sarama.Config, clientID string) (*sarama.Config, error) {
	var c *sarama.Config
	if base != nil {
		c = base()
	}
	if c == nil {
		c = sarama.NewConfig()
	}
	c.ClientID = clientID
	if !c.Version.IsAtLeast(sarama.V0_11_0_0) {
		c.Version = sarama.V0_11_0_0 // record headers
	}
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewHashPartitioner
	// Flush at once (Flush.Bytes 0) unless the base config batches; a
	// batch over 512 KiB makes kfake answer "Message was too large", and a
	// byte threshold without a frequency would hold a lone message forever.
	if c.Producer.Flush.Bytes > maxFlushBytes {
		c.Producer.Flush.Bytes = maxFlushBytes
	}
	if c.Producer.Flush.Bytes > 0 && c.Producer.Flush.Frequency == 0 {
		c.Producer.Flush.Frequency = 10 * time.Millisecond
	}
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	// Range assignment gives one member the same partition numbers of every
	// topic: delivery joins kitchen and payments records by order ID (the
	// key), so both must reach the same member.
	c.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRange()}
	c.Consumer.Return.Errors = true
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sarama config for %s: %w", clientID, err)
	}
	return c, nil
}

// handlerFunc reacts to one decoded event read from topic.
type handlerFunc func(topic string, in inEvent)

// service is what every simulated service shares: a producer, a consumer group named after the service, an idempotent-consumer
// memory of event IDs, and delayed publications.
type service struct {
	name  string
	conv  convention
	log   *slog.Logger
	prod  sarama.SyncProducer
	group sarama.ConsumerGroup // nil for a service that only produces
	seen  *dedupe

	quit    chan struct{} // closed on shutdown: publish pending ones now
	pending sync.WaitGroup
	slots   chan struct{}
}

func newService(cfg Config, name string, conv convention, consumes bool) (*service, error) {
	sc, err := saramaConfig(cfg.SaramaConfig, name)
	if err != nil {
		return nil, err
	}
	s := &service{
		name: name, conv: conv,
		log:   cfg.Logger.With("component", "sim."+name),
		seen:  newDedupe(dedupeCapacity),
		quit:  make(chan struct{}),
		slots: make(chan struct{}, maxPending),
	}
	// The producer and the consumer group get a client each: on a shared
	// connection a produce waits behind the consumer's long-polling fetch.
	if s.prod, err = sarama.NewSyncProducer(cfg.Brokers, sc); err != nil {
		return nil, fmt.Errorf("producer for %s on %v: %w", name, cfg.Brokers, err)
	}
	if consumes {
		if s.group, err = sarama.NewConsumerGroup(cfg.Brokers, name, sc); err != nil {
			_ = s.prod.Close()
			return nil, fmt.Errorf("consumer group %s on %v: %w", name, cfg.Brokers, err)
		}
	}
	return s, nil
}

// publish sends e in the service's convention. Failures are logged: a
// simulated service loses the event, as a real one with a broken broker
// connection would.
func (s *service) publish(e outEvent) {
	s.publishAs(e, s.conv)
}

func (s *service) publishAs(e outEvent, c convention) {
	e.Source = s.name
	msg, err := encode(e, c)
	if err == nil {
		_, _, err = s.prod.SendMessage(msg)
	}
	if err != nil {
		s.log.Warn("publish failed", "type", e.Type, "order_id", e.OrderID, "err", err)
		return
	}
	s.log.Debug("published", "type", e.Type, "topic", e.Topic, "order_id", e.OrderID, "event_id", e.ID)
}

// after runs fn after d, or at once when the service shuts down first (a
// graceful shutdown finishes the work its consumed offsets promise) or when
// too many publications are pending (rather than grow).
func (s *service) after(d time.Duration, fn func()) {
	select {
	case s.slots <- struct{}{}:
	default:
		fn()
		return
	}
	s.pending.Add(1)
	go func() {
		defer func() { <-s.slots; s.pending.Done() }()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.quit:
		}
		fn()
	}()
}

// consume runs the service's consumer group over topics until ctx is done,
// joining again after every rebalance and retrying after errors.
func (s *service) consume(ctx context.Context, topics []string, h handlerFunc) {
	errsDone := make(chan struct{})
	go func() {
		defer close(errsDone)
		for err := range s.group.Errors() {
			s.log.Warn("consumer group error", "err", err)
		}
	}()
	gh := groupHandler{s: s, handle: h}
	for ctx.Err() == nil {
		err := s.group.Consume(ctx, topics, gh)
		if errors.Is(err, sarama.ErrClosedConsumerGroup) {
			break
		}
		if err != nil && ctx.Err() == nil {
			s.log.Warn("consume failed, retrying", "topics", topics, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(consumeBackoff):
			}
		}
	}
	if err := s.group.Close(); err != nil {
		s.log.Warn("close consumer group", "err", err)
	}
	<-errsDone
}

// close publishes pending publications now and closes the producer and
// group.
// Call it after consume has returned.
func (s *service) close() {
	close(s.quit)
	s.pending.Wait()
	if err := s.prod.Close(); err != nil {
		s.log.Warn("close producer", "err", err)
	}
	if s.group != nil {
		_ = s.group.Close() // no-op when consume closed it
	}
}

type groupHandler struct {
	s      *service
	handle handlerFunc
}

func (g groupHandler) Setup(sess sarama.ConsumerGroupSession) error {
	g.s.log.Debug("partitions assigned", "claims", sess.Claims(), "generation", sess.GenerationID())
	return nil
}

func (g groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (g groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case <-sess.Context().Done():
			return nil
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			in, err := decode(msg.Key, msg.Value, msg.Headers, msg.Timestamp)
			switch {
			case err != nil:
				g.s.log.Warn("skip undecodable record", "topic", msg.Topic,
					"partition", msg.Partition, "offset", msg.Offset, "err", err)
			case !g.s.seen.add(in.ID):
				g.s.log.Debug("skip duplicate", "event_id", in.ID, "type", in.Type)
			default:
				g.handle(msg.Topic, in)
			}
			sess.MarkMessage(msg, "")
		}
	}
}

// dedupe remembers the last n event IDs: an idempotent consumer's inbox.
type dedupe struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	next int
}

func newDedupe(n int) *dedupe {
	return &dedupe{ids: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add records id and reports whether it was new.
func (d *dedupe) add(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.ids[id]; ok {
		return false
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.ids, old)
	}
	d.ring[d.next] = id
	d.next = (d.next + 1) % len(d.ring)
	d.ids[id] = struct{}{}
	return true
}
