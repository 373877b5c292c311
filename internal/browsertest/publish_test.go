package browsertest

import (
	"testing"

	"github.com/IBM/sarama"
)

// publishTo creates topic (one partition) on the demo's broker and
// publishes msgs to it, failing the test on any error.
func publishTo(t testing.TB, broker, topic string, msgs []*sarama.ProducerMessage) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	admin, err := sarama.NewClusterAdmin([]string{broker}, cfg)
	if err != nil {
		t.Fatalf("cluster admin: %v", err)
	}
	defer admin.Close()
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	p, err := sarama.NewSyncProducer([]string{broker}, cfg)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	defer p.Close()
	if err := p.SendMessages(msgs); err != nil {
		t.Fatalf("publish %d events: %v", len(msgs), err)
	}
}
