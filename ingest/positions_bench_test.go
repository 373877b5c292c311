package ingest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store/storetest"
)

// Size of the positions benchmark: benchGroups groups, each with committed
// offsets on every partition of benchTopics topics of benchParts partitions.
const (
	benchGroups = 100
	benchTopics = 10
	benchParts  = 100
)

// positionsCluster is a kfake cluster with benchGroups groups committed on
// benchTopics × benchParts partitions (one record each).
var positionsCluster = sync.OnceValues(func() ([]string, error) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		return nil, err
	}
	addrs := c.ListenAddrs()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	client, err := sarama.NewClient(addrs, cfg)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		return nil, err
	}
	var topics []string
	for i := range benchTopics {
		t := fmt.Sprintf("bench-%02d", i)
		topics = append(topics, t)
		if err := admin.CreateTopic(t, &sarama.TopicDetail{NumPartitions: benchParts, ReplicationFactor: 1}, false); err != nil {
			return nil, err
		}
	}
	if err := client.RefreshMetadata(topics...); err != nil {
		return nil, err
	}
	prod, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		return nil, err
	}
	var msgs []*sarama.ProducerMessage
	for _, t := range topics {
		for p := range benchParts {
			msgs = append(msgs, &sarama.ProducerMessage{Topic: t, Partition: int32(p), Value: sarama.StringEncoder("v")})
		}
	}
	if err := prod.SendMessages(msgs); err != nil {
		return nil, err
	}
	prod.Close()
	work := make(chan int)
	errs := make(chan error, benchGroups)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for g := range work {
				errs <- commitAll(addrs, fmt.Sprintf("bench-group-%03d", g), topics)
			}
		})
	}
	for g := range benchGroups {
		work <- g
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return addrs, nil
})

// commitAll joins group on topics and commits offset 0 on every partition
// (one record waits on each).
func commitAll(addrs []string, group string, topics []string) error {
	cfg := sarama.NewConfig()
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cg, err := sarama.NewConsumerGroup(addrs, group, cfg)
	if err != nil {
		return err
	}
	defer cg.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	h := committer{done: cancel}
	if err := cg.Consume(ctx, topics, h); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if ctx.Err() != context.Canceled {
		return fmt.Errorf("group %s: %w", group, ctx.Err())
	}
	return nil
}

// BenchmarkPollPositions polls 100 groups × 1,000 partitions (100,000
// positions) from kfake: "read" without a store (the Kafka reads and the
// bookkeeping), "sqlite-first" the first poll into an empty file store
// (every position written), "sqlite-steady" later polls where nothing
// moved (nothing written).
//
//	go test ./ingest/ -run '^$' -bench BenchmarkPollPositions -benchtime 5x
func BenchmarkPollPositions(b *testing.B) {
	addrs, err := positionsCluster()
	if err != nil {
		b.Fatal(err)
	}
	cfg := PollerConfig{Brokers: addrs, Interval: time.Minute, Timeout: time.Minute}
	check := func(b *testing.B, p *Poller) {
		s := p.Snapshot()
		n := 0
		for _, g := range s.Groups {
			n += len(g.Partitions)
		}
		if s.Err != "" || len(s.Groups) != benchGroups || n != benchGroups*benchTopics*benchParts {
			b.Fatalf("poll saw %d groups, %d positions (err %q)", len(s.Groups), n, s.Err)
		}
	}
	b.Run("read", func(b *testing.B) {
		p := NewPoller(cfg, nil, nil)
		defer p.closeClient()
		for b.Loop() {
			if err := p.Poll(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
		check(b, p)
	})
	open := func(b *testing.B) *sqlite.Store {
		st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "events.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	b.Run("sqlite-first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			p := NewPoller(cfg, open(b), nil)
			b.StartTimer()
			if err := p.Poll(b.Context()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			check(b, p)
			p.closeClient()
			b.StartTimer()
		}
	})
	b.Run("sqlite-steady", func(b *testing.B) {
		p := NewPoller(cfg, open(b), nil)
		defer p.closeClient()
		if err := p.Poll(b.Context()); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := p.Poll(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
		check(b, p)
	})
}

// BenchmarkWritePositions is the store's cost of a poll in which 10,000
// positions moved (a tenth of the benchmark's cluster), into a file store.
//
//	go test ./ingest/ -run '^$' -bench BenchmarkWritePositions -benchtime 10x
func BenchmarkWritePositions(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "events.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	at := time.Now()
	for b.Loop() {
		at = at.Add(10 * time.Second)
		rows := storetest.MovedPositions(10_000, at)
		if err := st.WritePositions(b.Context(), rows); err != nil {
			b.Fatal(err)
		}
	}
}
