package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

func TestStartBroker(t *testing.T) {
	b := startTestBroker(t)
	addrs := b.Addrs()
	if len(addrs) != 1 || !strings.HasPrefix(addrs[0], "127.0.0.1:") || strings.HasSuffix(addrs[0], ":0") {
		t.Fatalf("Addrs() = %v, want one 127.0.0.1 address with a real port", addrs)
	}
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	client, err := sarama.NewClient(addrs, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer client.Close()
	for _, topic := range Topics() {
		parts, err := client.Partitions(topic)
		if err != nil || len(parts) != TopicPartitions {
			t.Errorf("topic %s: %d partitions (err %v), want %d", topic, len(parts), err, TopicPartitions)
		}
	}

	// Auto topic creation stays allowed: producing to a new topic works.
	p, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	defer p.Close()
	if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "brand-new", Value: sarama.StringEncoder("x")}); err != nil {
		t.Errorf("produce to a new topic: %v", err)
	}
	b.Close()
	b.Close() // a second Close is a no-op
}

func TestBrokerFixedAddr(t *testing.T) {
	// Take a free port, then ask for it explicitly.
	b1, err := StartBroker("127.0.0.1:0", 1)
	if err != nil {
		t.Fatal(err)
	}
	addr := b1.Addrs()[0]
	b1.Close()
	b2, err := StartBroker(addr, 1)
	if err != nil {
		t.Fatalf("StartBroker(%s): %v", addr, err)
	}
	defer b2.Close()
	if got := b2.Addrs(); len(got) != 1 || got[0] != addr {
		t.Errorf("Addrs() = %v, want [%s]", got, addr)
	}
	if _, err := StartBroker(addr, 1); err == nil {
		t.Errorf("second broker on busy %s started, want an error", addr)
	}
}

func TestBrokerRetention(t *testing.T) {
	b, err := StartBrokerConfig(BrokerConfig{Partitions: 1, Topics: []string{"t"}, Retention: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	client, err := sarama.NewClient(b.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	p, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const n = 10
	for range n {
		if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "t", Value: sarama.StringEncoder("x")}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 5*time.Second, "records older than 1ms dropped", func() bool {
		b.ApplyRetention()
		oldest, err := client.GetOffset("t", 0, sarama.OffsetOldest)
		return err == nil && oldest == n
	})
}
