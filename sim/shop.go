package sim

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Run starts the services and the order generator; it blocks until ctx is
// done or an unrecoverable error (the brokers unreachable at start, topics
// not creatable) and shuts the services down before returning. A shutdown
// by ctx returns nil.
func Run(ctx context.Context, cfg Config) error {
	c, err := cfg.withDefaults()
	if err != nil {
		return fmt.Errorf("sim config: %w", err)
	}
	sh := newShop(c)
	if err := ensureTopics(c); err != nil {
		return err
	}
	kitchenConv, deliveryConv, loyaltyConv := convEnvelope, convEnvelope, convEnvelope
	if c.MixedConventions {
		kitchenConv, deliveryConv, loyaltyConv = convCEBinary, convHeaders, convCEStructured
	}
	if c.AvroLoyalty {
		loyaltyConv = convAvro
	}
	var svcs []*service
	defer func() {
		for i := len(svcs) - 1; i >= 0; i-- {
			svcs[i].close()
		}
	}()
	specs := []struct {
		name string
		conv convention
	}{
		{ServiceOrder, convEnvelopeHeaders},
		{ServiceKitchen, kitchenConv},
		{ServicePayment, convEnvelopeHeaders},
		{ServiceDelivery, deliveryConv},
		{ServiceLoyalty, loyaltyConv},
	}
	for _, sp := range specs {
		s, err := newService(c, sp.name, sp.conv, true)
		if err != nil {
			return err
		}
		svcs = append(svcs, s)
	}
	order := &orderService{service: svcs[0], shop: sh}
	kitchen := &kitchenService{service: svcs[1], shop: sh}
	pay := &paymentService{service: svcs[2], shop: sh}
	deliv := newDeliveryService(svcs[3], sh)
	loyal := &loyaltyService{service: svcs[4], shop: sh, balances: map[string]int{}}

	sh.log.Info("pizza shop open", "brokers", c.Brokers, "rate", c.Rate, "seed", sh.seed,
		"mixed_conventions", c.MixedConventions, "max_orders", c.MaxOrders)
	var wg sync.WaitGroup
	wg.Go(func() { order.consume(ctx, []string{TopicPayments}, order.handle) })
	wg.Go(func() { kitchen.consume(ctx, []string{TopicOrders}, kitchen.handle) })
	wg.Go(func() { pay.consume(ctx, []string{TopicOrders}, pay.handle) })
	wg.Go(func() { deliv.consume(ctx, []string{TopicKitchen, TopicPayments}, deliv.handle) })
	wg.Go(func() { loyal.consume(ctx, []string{TopicDelivery}, loyal.handle) })
	wg.Go(func() { order.generate(ctx, c.Rate, c.MaxOrders) })
	wg.Wait()
	sh.log.Info("pizza shop closing")
	return nil
}

// ensureTopics creates the shop's topics that do not exist yet.
func ensureTopics(c Config) error {
	sc, err := saramaConfig(c.SaramaConfig, "sim-admin")
	if err != nil {
		return err
	}
	admin, err := sarama.NewClusterAdmin(c.Brokers, sc)
	if err != nil {
		return fmt.Errorf("connect admin to %v: %w", c.Brokers, err)
	}
	defer admin.Close()
	have, err := admin.ListTopics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	for _, t := range Topics() {
		if _, ok := have[t]; ok {
			continue
		}
		err := admin.CreateTopic(t, &sarama.TopicDetail{NumPartitions: TopicPartitions, ReplicationFactor: 1}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t, err)
		}
	}
	return nil
}

// shop holds what the services share: the configuration, the seed behind
// fault decisions and order IDs, and a random source for realistic content.
type shop struct {
	cfg     Config
	seed    uint64
	idBase  uint32
	log     *slog.Logger
	mu      sync.Mutex
	rng     *rand.Rand
	counter uint32
}

func newShop(c Config) *shop {
	seed := uint64(c.Seed)
	if seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	return &shop{
		cfg:    c,
		seed:   seed,
		idBase: rng.Uint32(),
		log:    c.Logger.With("component", "sim"),
		rng:    rng,
	}
}

// chance decides a fault for one order: the same seed, order and fault
// always give the same answer, whatever the services' timing.
func (s *shop) chance(fault, orderID string, p float64) bool {
	switch {
	case p <= 0:
		return false
	case p >= 1:
		return true
	}
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], s.seed)
	h.Write(b[:])
	h.Write([]byte(fault))
	h.Write([]byte{0})
	h.Write([]byte(orderID))
	return float64(mix64(h.Sum64())>>11)/(1<<53) < p
}

// mix64 is splitmix64's finalizer: FNV's high bits alone are not uniform
// over similar inputs.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// nextOrderID returns "ord-" and 8 hex digits, unique within a run: a
// bijective mix of a seeded base plus a counter.
func (s *shop) nextOrderID() string {
	s.mu.Lock()
	n := s.idBase + s.counter
	s.counter++
	s.mu.Unlock()
	return fmt.Sprintf("ord-%08x", mix32(n))
}

// mix32 is MurmurHash3's finalizer: a bijection on uint32.
func mix32(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

func (s *shop) intn(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.IntN(n)
}

// between returns a random duration in [lo, hi).
func (s *shop) between(lo, hi time.Duration) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return lo + time.Duration(s.rng.Int64N(int64(hi-lo)))
}

func pick[T any](s *shop, xs []T) T { return xs[s.intn(len(xs))] }

func shortID(s *shop, prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%s-%08x", prefix, s.rng.Uint32())
}
