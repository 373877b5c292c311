package ingest

import (
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/internal/kafkatest"
)

// cluster is the test's Kafka (kfake, or EVENTSCOPE_TEST_KAFKA) with an
// admin client and a producer.
type cluster struct {
	addrs  []string
	admin  sarama.ClusterAdmin
	client sarama.Client
	prod   sarama.SyncProducer
}

func clientConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = "eventscope-ingest-test"
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewManualPartitioner
	c.Producer.MaxMessageBytes = 16 << 20
	c.Metadata.Retry.Backoff = 50 * time.Millisecond
	return c
}

func newCluster(t testing.TB) *cluster {
	t.Helper()
	c := &cluster{addrs: kafkatest.Broker(t)}
	var err error
	if c.client, err = sarama.NewClient(c.addrs, clientConfig()); err != nil {
		t.Fatalf("kafka client: %v", err)
	}
	t.Cleanup(func() { c.client.Close() })
	if c.admin, err = sarama.NewClusterAdminFromClient(c.client); err != nil {
		t.Fatalf("kafka admin: %v", err)
	}
	if c.prod, err = sarama.NewSyncProducerFromClient(c.client); err != nil {
		t.Fatalf("kafka producer: %v", err)
	}
	t.Cleanup(func() { c.prod.Close() })
	return c
}

// createTopic creates topic with parts partitions (and topic configs) and
// waits until its partitions have leaders.
func (c *cluster) createTopic(t testing.TB, topic string, parts int32, configs map[string]string) {
	t.Helper()
	d := &sarama.TopicDetail{NumPartitions: parts, ReplicationFactor: 1, ConfigEntries: map[string]*string{}}
	for k, v := range configs {
		d.ConfigEntries[k] = &v
	}
	if err := c.admin.CreateTopic(topic, d, false); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	if kafkatest.Real() {
		t.Cleanup(func() { _ = c.admin.DeleteTopic(topic) })
	}
	eventually(t, 30*time.Second, "partition leaders of "+topic, func() bool {
		if err := c.client.RefreshMetadata(topic); err != nil {
			return false
		}
		ps, err := c.client.Partitions(topic)
		if err != nil || len(ps) != int(parts) {
			return false
		}
		for _, p := range ps {
			if _, err := c.client.Leader(topic, p); err != nil {
				return false
			}
		}
		return true
	})
}

// produce sends msgs (Partition set by the caller) and returns their
// coordinates.
func (c *cluster) produce(t testing.TB, msgs []*sarama.ProducerMessage) []coord {
	t.Helper()
	for chunk := range slicesChunk(msgs, 500) {
		if err := c.prod.SendMessages(chunk); err != nil {
			t.Fatalf("produce %d records: %v", len(chunk), err)
		}
	}
	out := make([]coord, len(msgs))
	for i, m := range msgs {
		out[i] = coord{m.Topic, m.Partition, m.Offset}
	}
	return out
}

func slicesChunk[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// records makes n JSON-envelope records spread over topic's parts
// partitions, numbered from first.
func records(topic string, parts int32, first, n int) []*sarama.ProducerMessage {
	out := make([]*sarama.ProducerMessage, n)
	for i := range n {
		k := first + i
		out[i] = &sarama.ProducerMessage{
			Topic:     topic,
			Partition: int32(k) % parts,
			Key:       sarama.StringEncoder(fmt.Sprintf("order-%d", k)),
			Value: sarama.StringEncoder(fmt.Sprintf(
				`{"eventId":"%s-%d","eventType":"OrderPlaced","correlationId":"flow-%d","producer":"test"}`, topic, k, k%50)),
			Headers: []sarama.RecordHeader{{Key: []byte("idx"), Value: []byte(fmt.Sprint(k))}},
		}
	}
	return out
}

// checkCommitted fails t unless group's committed offsets equal the high
// watermarks of every partition of topics.
func (c *cluster) checkCommitted(t *testing.T, group string, topics ...string) {
	t.Helper()
	gaps, err := c.commitGaps(group, topics...)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gaps {
		t.Error(g)
	}
}

// commitGaps lists the partitions of topics whose committed offset in group
// is not their high watermark.
func (c *cluster) commitGaps(group string, topics ...string) ([]string, error) {
	parts := map[string][]int32{}
	for _, tp := range topics {
		ps, err := c.client.Partitions(tp)
		if err != nil {
			return nil, fmt.Errorf("partitions of %s: %w", tp, err)
		}
		parts[tp] = ps
	}
	resp, err := c.admin.ListConsumerGroupOffsets(group, parts)
	if err != nil {
		return nil, fmt.Errorf("committed offsets of %s: %w", group, err)
	}
	var gaps []string
	for tp, ps := range parts {
		for _, p := range ps {
			hwm, err := c.client.GetOffset(tp, p, sarama.OffsetNewest)
			if err != nil {
				return nil, fmt.Errorf("high watermark %s/%d: %w", tp, p, err)
			}
			got := int64(-1)
			if b := resp.GetBlock(tp, p); b != nil {
				got = b.Offset
			}
			if got != hwm {
				gaps = append(gaps, fmt.Sprintf("%s/%d: committed offset %d, high watermark %d", tp, p, got, hwm))
			}
		}
	}
	return gaps, nil
}
