package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// createTopics creates the run's topics (partitions each, replication 1).
func createTopics(admin sarama.ClusterAdmin, names []string) error {
	for _, t := range names {
		err := admin.CreateTopic(t, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t, err)
		}
	}
	return nil
}

// produce sends every record once with an async producer (hash
// partitioner: a flow's records keep one partition per topic) and returns
// when the broker acknowledged all of them.
func produce(brokers []string, prefix string, recs []rec) error {
	cfg := sarama.NewConfig()
	cfg.Producer.RequiredAcks = sarama.WaitForLocal
	cfg.Producer.Return.Successes = true
	cfg.Producer.Flush.Bytes = 1 << 20
	cfg.Producer.Flush.Frequency = 5 * time.Millisecond
	p, err := sarama.NewAsyncProducer(brokers, cfg)
	if err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	var firstErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		for range p.Successes() {
		}
	})
	wg.Go(func() {
		for e := range p.Errors() {
			if firstErr == nil {
				firstErr = e.Err
			}
		}
	})
	for _, r := range recs {
		p.Input() <- message(prefix, r)
	}
	p.AsyncClose()
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("produce: %w", firstErr)
	}
	return nil
}

func message(prefix string, r rec) *sarama.ProducerMessage {
	return &sarama.ProducerMessage{Topic: prefix + r.topic, Key: sarama.StringEncoder(r.key),
		Value: sarama.ByteEncoder(r.value), Headers: r.headers}
}

// countHandler counts the records a raw consumer group reads, marking each
// (what any consumer does), and notes when the 10% and the last one came.
type countHandler struct {
	n, target    int64
	count        atomic.Int64
	tenth, whole chan time.Time
}

func (h *countHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *countHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *countHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		sess.MarkMessage(msg, "")
		switch h.count.Add(1) {
		case h.target / 10:
			h.tenth <- time.Now()
		case h.target:
			h.whole <- time.Now()
		}
	}
	return nil
}

// rawConsume reads every record of the topics with a new sarama consumer
// group (sarama's defaults, from the oldest offset): the rate is that of
// the last 90% of the records (after the group's join and first fetches).
func rawConsume(brokers []string, group string, names []string, n int) (result, error) {
	cfg := sarama.NewConfig()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRoundRobin()}
	cg, err := sarama.NewConsumerGroup(brokers, group, cfg)
	if err != nil {
		return result{}, fmt.Errorf("consumer group: %w", err)
	}
	defer cg.Close()
	h := &countHandler{target: int64(n), tenth: make(chan time.Time, 1), whole: make(chan time.Time, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cpu0 := selfCPU()
	start := time.Now()
	errc := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, names, h); err != nil && ctx.Err() == nil {
				errc <- err
				return
			}
		}
	}()
	var t10, t100 time.Time
	for t100.IsZero() {
		select {
		case t10 = <-h.tenth:
		case t100 = <-h.whole:
		case err := <-errc:
			return result{}, fmt.Errorf("consume: %w", err)
		case <-time.After(5 * time.Minute):
			return result{}, fmt.Errorf("consume: %d of %d records after 5 minutes", h.count.Load(), n)
		}
	}
	return result{n: n, steadyN: n - n/10, steady: t100.Sub(t10), wall: t100.Sub(start), cpu: selfCPU() - cpu0}, nil
}

// committed returns the sum over the topics' partitions of the offsets
// group has committed.
func committed(admin sarama.ClusterAdmin, group string, names []string) (int64, error) {
	parts := map[string][]int32{}
	for _, t := range names {
		parts[t] = []int32{0, 1, 2}
	}
	resp, err := admin.ListConsumerGroupOffsets(group, parts)
	if err != nil {
		return 0, fmt.Errorf("committed offsets of %s: %w", group, err)
	}
	var sum int64
	for _, ps := range resp.Blocks {
		for _, b := range ps {
			if b.Offset > 0 {
				sum += b.Offset
			}
		}
	}
	return sum, nil
}
