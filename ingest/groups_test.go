package ingest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/internal/kafkatest"
)

func TestConsumerGroups(t *testing.T) {
	addrs := kafkatest.Broker(t)
	topic, group := kafkatest.Name(t, "grp-topic"), kafkatest.Name(t, "grp")
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	client, err := sarama.NewClient(addrs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	prod, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	// 6 records on partition 0, 4 on partition 1
	for i := range 10 {
		p := int32(0)
		if i >= 6 {
			p = 1
		}
		if _, _, err := prod.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: p, Value: sarama.StringEncoder("v")}); err != nil {
			t.Fatal(err)
		}
	}
	// The group reads and commits offsets below 4 on both partitions: lag 2.
	gcfg := sarama.NewConfig()
	gcfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cg, err := sarama.NewConsumerGroup(addrs, group, gcfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	h := &markBelow{below: 4, want: 8, done: cancel}
	if err := cg.Consume(ctx, []string{topic}, h); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := cg.Close(); err != nil {
		t.Fatal(err)
	}
	if h.marked.Load() != 8 {
		t.Fatalf("marked %d records, want 8", h.marked.Load())
	}
	groups, err := ConsumerGroups(t.Context(), addrs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got *GroupInfo
	for i := range groups {
		if groups[i].Name == group {
			got = &groups[i]
		}
	}
	if got == nil {
		t.Fatalf("group %s not listed in %+v", group, groups)
	}
	if got.Lag != 2 || len(got.Topics) != 1 || got.Topics[0] != topic || got.Members != 0 {
		t.Errorf("group = %+v, want lag 2 on [%s] and no members", *got, topic)
	}
}

// markBelow marks the records below offset below, commits and calls done
// once it has marked want of them.
type markBelow struct {
	below  int64
	want   int64
	marked atomic.Int64
	done   func()
}

func (h *markBelow) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *markBelow) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *markBelow) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		if m.Offset < h.below {
			s.MarkMessage(m, "")
			if h.marked.Add(1) == h.want {
				s.Commit()
				h.done()
			}
		}
	}
	return nil
}

func TestConsumerGroupsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	// An address nobody answers on: the context decides.
	_, err := ConsumerGroups(ctx, []string{"127.0.0.1:1"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
