package ingest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// posFixture is a topic with records on partitions 0 (6 records) and 1
// (4 records), stored in an embedded store with Kafka times t0 + offset s.
type posFixture struct {
	addrs        []string
	topic, group string
	client       sarama.Client
	st           *sqlite.Store
	t0           time.Time
}

func newPosFixture(t *testing.T) *posFixture {
	t.Helper()
	f := &posFixture{addrs: kafkatest.Broker(t), topic: kafkatest.Name(t, "pos"), group: kafkatest.Name(t, "reader"),
		t0: time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()}
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	var err error
	if f.client, err = sarama.NewClient(f.addrs, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.client.Close() })
	admin, err := sarama.NewClusterAdminFromClient(f.client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateTopic(f.topic, &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the topic's partitions are known", func() bool {
		ps, err := f.client.Partitions(f.topic)
		return err == nil && len(ps) == 2 && f.client.RefreshMetadata(f.topic) == nil
	})
	prod, err := sarama.NewSyncProducerFromClient(f.client)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	if f.st, err = sqlite.OpenDSN(t.Context(), sqlite.MemoryDSN, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })
	var evs []event.Event
	for i := range 10 {
		p := int32(min(i/6, 1))
		ts := f.t0.Add(time.Duration(i) * time.Second)
		_, off, err := prod.SendMessage(&sarama.ProducerMessage{Topic: f.topic, Partition: p, Value: sarama.StringEncoder("v"), Timestamp: ts})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, storetest.MakeEvent(f.topic, p, off, "e"+string(rune('a'+i)), "c", "", ts))
	}
	if err := f.st.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	return f
}

// commit joins the group, commits offsets (ResetOffset may move them
// backwards) and leaves.
func (f *posFixture) commit(t *testing.T, offsets map[int32]int64) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cg, err := sarama.NewConsumerGroup(f.addrs, f.group, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cg.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	h := committer{offsets: offsets, topic: f.topic, done: cancel}
	if err := cg.Consume(ctx, []string{f.topic}, h); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if ctx.Err() != context.Canceled {
		t.Fatalf("commit: %v", ctx.Err())
	}
}

// committer commits offsets on topic in its session's Setup and ends
// the session; a nil offsets map commits 0 on every claimed partition.
type committer struct {
	offsets map[int32]int64
	topic   string
	done    func()
}

func (c committer) Setup(s sarama.ConsumerGroupSession) error {
	for t, ps := range s.Claims() {
		for _, p := range ps {
			if c.offsets == nil {
				s.MarkOffset(t, p, 0, "")
			} else if off, ok := c.offsets[p]; ok && t == c.topic {
				s.ResetOffset(t, p, off, "")
				s.MarkOffset(t, p, off, "")
			}
		}
	}
	s.Commit()
	c.done()
	return nil
}
func (committer) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (committer) ConsumeClaim(s sarama.ConsumerGroupSession, _ sarama.ConsumerGroupClaim) error {
	<-s.Context().Done()
	return nil
}

func (f *posFixture) poller(t *testing.T) *Poller {
	return NewPoller(PollerConfig{Brokers: f.addrs, Interval: 100 * time.Millisecond, Timeout: 5 * time.Second}, f.st, testLog(t))
}

func mustPoll(t *testing.T, p *Poller) {
	t.Helper()
	if err := p.Poll(t.Context()); err != nil {
		t.Fatalf("Poll: %v", err)
	}
	s := p.Snapshot()
	if s.Err != "" || s.At.IsZero() {
		t.Fatalf("snapshot after a good poll: err %q at %v", s.Err, s.At)
	}
}

func TestPollerPositions(t *testing.T) {
	f := newPosFixture(t)
	f.commit(t, map[int32]int64{0: 4, 1: 4}) // p0: 2 records wait; p1: caught up
	p := f.poller(t)
	g := pollGroup(t, p, f.group)
	if len(g.Partitions) != 2 {
		t.Fatalf("partitions = %+v, want 2", g.Partitions)
	}
	p0, p1 := g.Partitions[0], g.Partitions[1]
	if p0.Committed != 4 || p0.High != 6 || p0.Behind() != 2 || !p0.Oldest.Equal(f.t0.Add(4*time.Second)) {
		t.Errorf("partition 0 = %+v, want committed 4 of 6, oldest waiting at t0+4s", p0)
	}
	if p1.Committed != 4 || p1.High != 4 || p1.Behind() != 0 || !p1.Oldest.IsZero() {
		t.Errorf("partition 1 = %+v, want committed 4 of 4, nothing waiting", p1)
	}
	// Nothing moved: no new rows. Then p0 moves to 6: one row, Prev the
	// poll before.
	first := p.Snapshot().At
	pollGroup(t, p, f.group)
	second := p.Snapshot().At
	f.commit(t, map[int32]int64{0: 6})
	pollGroup(t, p, f.group)
	h, err := f.st.PositionHistory(t.Context(), f.group, time.Time{}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 {
		t.Fatalf("history = %+v, want 3 rows (2 partitions, then p0's move)", h)
	}
	if last := h[1]; last.Committed != 6 || !last.Prev.Equal(second) || !last.Oldest.IsZero() || !h[0].At.Equal(first) {
		t.Errorf("history = %+v, want p0 at 6 observed after %v with nothing waiting", h, second)
	}
	passed, err := f.st.FirstPassed(t.Context(), f.topic, 0, 4)
	if err != nil || len(passed) != 1 || passed[0].Committed != 6 {
		t.Errorf("FirstPassed(p0@4) = %+v, %v; want the row at 6", passed, err)
	}
	// An offset reset backwards is remembered as one.
	f.commit(t, map[int32]int64{0: 2})
	g = pollGroup(t, p, f.group)
	if r := g.Partitions[0].Reset; r == nil || r.From != 6 || r.To != 2 {
		t.Errorf("reset = %+v, want 6 -> 2", r)
	}
	// A deleted group disappears.
	admin, err := sarama.NewClusterAdminFromClient(f.client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.DeleteConsumerGroup(f.group); err != nil {
		t.Fatal(err)
	}
	mustPoll(t, p)
	if _, ok := p.Snapshot().Group(f.group); ok {
		t.Errorf("deleted group %s still in the snapshot", f.group)
	}
}

// pollGroup polls and returns the group's status.
func pollGroup(t *testing.T, p *Poller, group string) store.GroupStatus {
	t.Helper()
	mustPoll(t, p)
	s := p.Snapshot()
	g, ok := s.Group(group)
	if !ok {
		t.Fatalf("group %s not in snapshot %+v", group, s.Groups)
	}
	if g.Err != "" {
		t.Fatalf("group %s: %s", group, g.Err)
	}
	return g
}
