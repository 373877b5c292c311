package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// TestConsumerPositionsEndToEnd runs the real binary against the broker of
// the integration suite (kfake without one) with --group-poll 100ms, and a
// real sarama consumer group that reads part of a topic whose records carry
// explicit timestamps, commits and stops: the API must say consumed and
// pending exactly at the committed offset, and the lag in time must be the
// age of the first unread record; once the group reads the rest, pending
// turns consumed and the lag returns to 0. Into both stores.
func TestConsumerPositionsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end positions test skipped in -short mode")
	}
	brokers := kafkatest.Broker(t)
	t.Run("sqlite", func(t *testing.T) {
		consumerPositions(t, brokers, "sqlite://"+filepath.Join(t.TempDir(), "events.db"))
	})
	t.Run("clickhouse", func(t *testing.T) {
		consumerPositions(t, brokers, freshClickHouse(t))
	})
}

func consumerPositions(t *testing.T, brokers []string, storeDSN string) {
	topic, group := kafkatest.Name(t, "billing-requests"), kafkatest.Name(t, "billing")
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Millisecond)
	ts := produceTimed(t, brokers, topic, 10, base)

	p := tracerproc.Start(t, "serve", "--brokers", brokers[0], "--store", "sqlite://"+filepath.Join(t.TempDir(), "events.db"),
		"--from-beginning", "--topics", "^"+topic+"$", "--group-id", kafkatest.Name(t, "tracer"), "--group-poll", "100ms")
	defer p.Stop(t)
	poll(t, 60*time.Second, "10 events stored", func() bool {
		return getJSON(t, p.URL, "/api/events/"+eventID(topic, 9), nil) == 200
	})

	consumeUpTo(t, brokers, topic, group, 6) // reads 0..5, commits 6, leaves
	var g apiGroup
	poll(t, 30*time.Second, "the group's committed offset 6", func() bool {
		return getJSON(t, p.URL, "/api/groups/"+group, &g) == 200 && len(g.Partitions) == 1 && g.Partitions[0].Committed == 6
	})
	before := time.Now()
	getJSON(t, p.URL, "/api/groups/"+group, &g)
	after := time.Now()
	part := g.Partitions[0]
	lo, hi := before.Sub(ts[6]).Seconds()-0.1, after.Sub(ts[6]).Seconds()+0.1 // one poll either way
	if part.LagMessages != 4 || g.LagMessages != 4 || part.LagSeconds == nil || *part.LagSeconds < lo || *part.LagSeconds > hi {
		t.Errorf("group = %+v, partition %+v; want 4 records behind and lag_seconds in [%.3f, %.3f] (age of record 6)", g, part, lo, hi)
	}
	if m := getText(t, p.URL+"/metrics"); !strings.Contains(m, `eventscope_consumer_group_lag_records{group="`+group+`"} 4`) {
		t.Errorf("/metrics lacks the group's lag of 4 records")
	}
	for off, want := range map[int]string{0: "consumed", 5: "consumed", 6: "pending", 9: "pending"} {
		d := delivery(t, p.URL, eventID(topic, off), group)
		if d.State != want {
			t.Errorf("record %d: state %q, want %q (%+v)", off, d.State, want, d)
		}
		if want == "pending" && d.Behind != int64(off-6) {
			t.Errorf("record %d: behind %d, want %d", off, d.Behind, off-6)
		}
		if want == "consumed" && (d.ConsumedBefore == nil || d.ConsumedAfter != nil && !d.ConsumedAfter.Before(*d.ConsumedBefore)) {
			t.Errorf("record %d: consumed between %v and %v", off, d.ConsumedAfter, d.ConsumedBefore)
		}
	}

	consumeUpTo(t, brokers, topic, group, 10) // resumes: reads the rest
	poll(t, 30*time.Second, "the group caught up", func() bool {
		return getJSON(t, p.URL, "/api/groups/"+group, &g) == 200 && g.LagMessages == 0
	})
	if g.LagSeconds == nil || *g.LagSeconds != 0 {
		t.Errorf("lag_seconds = %v after catching up, want 0", g.LagSeconds)
	}
	for _, off := range []int{6, 9} {
		d := delivery(t, p.URL, eventID(topic, off), group)
		if d.State != "consumed" || d.ConsumedAfter == nil || d.ConsumedBefore == nil || !d.ConsumedAfter.Before(*d.ConsumedBefore) {
			t.Errorf("record %d after the group resumed: %+v, want consumed between two polls", off, d)
		}
	}
}

type apiGroup struct {
	Name        string   `json:"name"`
	LagMessages int64    `json:"lag_messages"`
	LagSeconds  *float64 `json:"lag_seconds"`
	Partitions  []struct {
		Committed   int64    `json:"committed_offset"`
		High        int64    `json:"high_watermark"`
		LagMessages int64    `json:"lag_messages"`
		LagSeconds  *float64 `json:"lag_seconds"`
	} `json:"partitions"`
}

type apiDelivery struct {
	Group          string     `json:"group"`
	State          string     `json:"state"`
	Committed      *int64     `json:"committed_offset"`
	ConsumedAfter  *time.Time `json:"consumed_after"`
	ConsumedBefore *time.Time `json:"consumed_before"`
	Behind         int64      `json:"behind"`
}

func delivery(t *testing.T, base, eventID, group string) apiDelivery {
	t.Helper()
	var body struct {
		Deliveries []apiDelivery `json:"deliveries"`
	}
	if code := getJSON(t, base, "/api/events/"+eventID, &body); code != 200 {
		t.Fatalf("GET event %s: %d", eventID, code)
	}
	for _, d := range body.Deliveries {
		if d.Group == group {
			return d
		}
	}
	t.Fatalf("event %s: no delivery for group %s in %+v", eventID, group, body.Deliveries)
	return apiDelivery{}
}

func getText(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func eventID(topic string, off int) string { return fmt.Sprintf("%s-e%d", topic, off) }

// produceTimed creates topic with one partition and writes n records with
// the timestamps base + i·1s, event IDs eventID(topic, i); it returns the
// timestamps.
func produceTimed(t *testing.T, brokers []string, topic string, n int, base time.Time) []time.Time {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	client, err := sarama.NewClient(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	prod, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	var ts []time.Time
	for i := range n {
		at := base.Add(time.Duration(i) * time.Second)
		body := fmt.Sprintf(`{"eventId":%q,"correlationId":"bill-%d","eventType":"BillingRequested"}`, eventID(topic, i), i)
		_, off, err := prod.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(body), Timestamp: at})
		if err != nil {
			t.Fatal(err)
		}
		if off != int64(i) {
			t.Fatalf("record %d written at offset %d", i, off)
		}
		ts = append(ts, at)
	}
	return ts
}

// consumeUpTo runs a sarama consumer group that reads topic from its
// committed offset (the oldest when none), marks every record below upTo,
// commits, and leaves the group.
func consumeUpTo(t *testing.T, brokers []string, topic, group string, upTo int64) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cg, err := sarama.NewConsumerGroup(brokers, group, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cg.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	h := &readTo{upTo: upTo, done: cancel}
	for ctx.Err() == nil {
		if err := cg.Consume(ctx, []string{topic}, h); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
	if !errors.Is(ctx.Err(), context.Canceled) || h.next.Load() != upTo {
		t.Fatalf("consumer group %s read up to %d, want %d (%v)", group, h.next.Load(), upTo, ctx.Err())
	}
}

type readTo struct {
	upTo int64
	next atomic.Int64
	done func()
}

func (*readTo) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (*readTo) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *readTo) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		if m.Offset >= h.upTo {
			continue
		}
		s.MarkMessage(m, "")
		h.next.Store(m.Offset + 1)
		if m.Offset+1 == h.upTo {
			s.Commit()
			h.done()
		}
	}
	return nil
}
