package kafkatest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// Sarama helpers for TestProduceConsumeHeaders.

func produce(t *testing.T, client sarama.Client, topic string) {
	t.Helper()
	p, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	defer p.Close()
	msgs := make([]*sarama.ProducerMessage, 0, numRecords)
	for i := range numRecords {
		var hs []sarama.RecordHeader
		for _, h := range wantHeaders(i) {
			hs = append(hs, sarama.RecordHeader{Key: []byte(h.Key), Value: []byte(h.Value)})
		}
		msgs = append(msgs, &sarama.ProducerMessage{
			Topic:   topic,
			Key:     sarama.StringEncoder(fmt.Sprintf("key-%d", i)),
			Value:   sarama.StringEncoder(fmt.Sprintf("value-%d", i)),
			Headers: hs,
		})
	}
	if err := p.SendMessages(msgs); err != nil {
		t.Fatalf("produce %d records: %v", numRecords, err)
	}
}

// consume reads topic with a consumer group until every record arrived,
// and returns the records by their idx header.
func consume(t *testing.T, addrs []string, cfg *sarama.Config, group, topic string) map[string]*sarama.ConsumerMessage {
	t.Helper()
	g, err := sarama.NewConsumerGroup(addrs, group, cfg)
	if err != nil {
		t.Fatalf("consumer group: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h := &collector{got: map[string]*sarama.ConsumerMessage{}, done: cancel}
	for ctx.Err() == nil {
		if err := g.Consume(ctx, []string{topic}, h); err != nil && ctx.Err() == nil {
			t.Fatalf("consume: %v", err)
		}
	}
	// Close commits the marked offsets.
	if err := g.Close(); err != nil {
		t.Fatalf("close consumer group: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.got) < numRecords && ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("consumed %d of %d records before the deadline", len(h.got), numRecords)
	}
	if h.dups > 0 {
		t.Errorf("consumed %d duplicate records", h.dups)
	}
	return h.got
}

type collector struct {
	mu   sync.Mutex
	got  map[string]*sarama.ConsumerMessage
	dups int
	done context.CancelFunc
}

func (c *collector) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (c *collector) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (c *collector) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		idx := ""
		for _, h := range m.Headers {
			if string(h.Key) == "idx" {
				idx = string(h.Value)
			}
		}
		c.mu.Lock()
		if _, seen := c.got[idx]; seen {
			c.dups++
		}
		c.got[idx] = m
		n := len(c.got)
		c.mu.Unlock()
		s.MarkMessage(m, "")
		if n >= numRecords {
			c.done()
		}
	}
	return nil
}

func headersOf(m *sarama.ConsumerMessage) []header {
	var hs []header
	for _, h := range m.Headers {
		hs = append(hs, header{string(h.Key), string(h.Value)})
	}
	return hs
}

func waitPartitions(t *testing.T, c sarama.Client, topic string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := c.RefreshMetadata(topic)
		if err == nil {
			ps, perr := c.Partitions(topic)
			leaders := 0
			for _, p := range ps {
				if _, lerr := c.Leader(topic, p); lerr == nil {
					leaders++
				}
			}
			if perr == nil && len(ps) == n && leaders == n {
				return
			}
			err = fmt.Errorf("%d partitions, %d with a leader (%v)", len(ps), leaders, perr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic %s not ready: %v", topic, err)
		}
		<-tick.C
	}
}
