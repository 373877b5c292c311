package ingest

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
)

// TestIngestStoresEveryRecordOnce produces records over 3 topics x 3
// partitions, ingests them into a store that is healthy, failing or slow,
// and checks that every record is stored once and the committed offsets are
// the high watermarks.
func TestIngestStoresEveryRecordOnce(t *testing.T) {
	tests := []struct {
		name        string
		failEvery   int
		delay       time.Duration
		maxInFlight int
	}{
		{name: "healthy store"},
		{name: "store fails every 7th write", failEvery: 7},
		{name: "slow store one batch in flight", delay: 2 * time.Millisecond, maxInFlight: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			c := newCluster(t)
			base := kafkatest.Name(t, "ing")
			group := kafkatest.Name(t, "grp")
			const perTopic = 1000
			var want []coord
			var topics []string
			for i := range 3 {
				topic := fmt.Sprintf("%s-%d", base, i)
				topics = append(topics, topic)
				c.createTopic(t, topic, 3, nil)
				want = append(want, c.produce(t, records(topic, 3, 0, perTopic))...)
			}
			w := newMemStore()
			w.failEvery, w.delay = tt.failEvery, tt.delay
			cfg := testConfig(c.addrs, group, base)
			cfg.MaxInFlight = tt.maxInFlight
			var live atomic.Int64 // records seen by the live tail
			cfg.OnStored = func(evs []event.Event) {
				for _, e := range evs {
					if _, ok := w.get(coord{e.Topic, e.Partition, e.Offset}); !ok {
						t.Errorf("OnStored got %s before it was stored", e.Coordinates())
					}
				}
				live.Add(int64(len(evs)))
			}
			r := start(t, cfg, w)
			eventually(t, 30*time.Second, "all records stored", func() bool { return w.count() == len(want) })
			if err := r.stop(t); err != nil {
				t.Fatalf("Run: %v", err)
			}
			st := r.in.Stats() // final once Run has returned

			w.checkSet(t, want)
			if n := w.repeats(); n != 0 {
				t.Errorf("%d records written more than once without any rebalance", n)
			}
			c.checkCommitted(t, group, topics...)
			if st.Stored != int64(len(want)) || st.Consumed != int64(len(want)) {
				t.Errorf("stats: consumed %d, stored %d, want %d each", st.Consumed, st.Stored, len(want))
			}
			if len(st.Topics) != 3 || st.Topics[0].Stored != perTopic {
				t.Errorf("stats per topic: %+v, want 3 topics of %d", st.Topics, perTopic)
			}
			if b := st.Backfill; b == nil || b.Total != int64(len(want)) || b.Done != b.Total || !b.Complete {
				t.Errorf("backfill: %+v, want done = total = %d", b, len(want))
			}
			if tt.failEvery > 0 && (st.Retries == 0 || st.LastError == "") {
				t.Errorf("stats: %d retries, last error %q; want retries after injected failures", st.Retries, st.LastError)
			}
			if live.Load() != int64(len(want)) {
				t.Errorf("OnStored saw %d records, want %d", live.Load(), len(want))
			}
			if _, err := json.Marshal(st); err != nil {
				t.Errorf("stats do not marshal: %v", err)
			}
			if got := r.metric(t, "eventscope_ingest_records_stored_total"); got != float64(len(want)) {
				t.Errorf("records_stored_total = %v, want %d", got, len(want))
			}
			if got := r.metric(t, "eventscope_ingest_write_retries_total"); got != float64(st.Retries) {
				t.Errorf("write_retries_total = %v, want %d", got, st.Retries)
			}
			if got := r.metric(t, "eventscope_ingest_flushes_total", "reason", ReasonSize); got == 0 {
				t.Errorf("no flush by size")
			}
		})
	}
}

// TestIngestTopicCreatedMidRun starts on the newest offsets with one empty
// topic, then creates a second topic and produces to it: every record of the
// new topic is ingested without a restart.
func TestIngestTopicCreatedMidRun(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	c.createTopic(t, base+"-first", 3, nil)
	w := newMemStore()
	cfg := testConfig(c.addrs, group, base)
	cfg.FromBeginning = false
	r := start(t, cfg, w)
	eventually(t, 30*time.Second, "ready", r.in.Ready)

	created := time.Now()
	late := base + "-late"
	c.createTopic(t, late, 3, nil)
	want := c.produce(t, records(late, 3, 0, 300))
	eventually(t, 30*time.Second, "records of the new topic stored", func() bool { return w.count() == len(want) })
	t.Logf("new topic ingested %s after its creation", time.Since(created).Round(time.Millisecond))
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	w.checkSet(t, want)
	c.checkCommitted(t, group, late)
}

// TestIngestNewestStartsWhereRunStarted: without FromBeginning a new group
// skips what a topic held when Run started, and ingests every record
// produced after that, including those produced while it joined the group.
func TestIngestNewestStartsWhereRunStarted(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	topic := base + "-t"
	c.createTopic(t, topic, 3, nil)
	c.produce(t, records(topic, 3, 0, 90)) // before Run: skipped
	cfg := testConfig(c.addrs, group, base)
	cfg.FromBeginning = false
	w := newMemStore()
	joining := make(chan []coord, 1)
	r := startWith(t, cfg, w, func() {
		msgs := records(topic, 3, 90, 150)
		if err := c.prod.SendMessages(msgs); err != nil {
			t.Errorf("produce: %v", err)
		}
		var cs []coord
		for _, m := range msgs {
			cs = append(cs, coord{m.Topic, m.Partition, m.Offset})
		}
		joining <- cs
	})
	want := <-joining
	eventually(t, 30*time.Second, "ready", r.in.Ready)
	want = append(want, c.produce(t, records(topic, 3, 240, 60))...)
	eventually(t, 30*time.Second, "records produced after Run started stored", func() bool { return w.count() >= len(want) })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	w.checkSet(t, want)
	c.checkCommitted(t, group, topic)
}

// TestIngestRestartResumesFromCommitted stops an ingester, produces more and
// starts a new one on the newest-offset default: it continues exactly where
// the first stopped, losing and repeating nothing.
func TestIngestRestartResumesFromCommitted(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	topic := base + "-t"
	c.createTopic(t, topic, 3, nil)
	want := c.produce(t, records(topic, 3, 0, 600))
	w := newMemStore()
	cfg := testConfig(c.addrs, group, base)

	r1 := start(t, cfg, w)
	eventually(t, 30*time.Second, "first records stored", func() bool { return w.count() == len(want) })
	if err := r1.stop(t); err != nil {
		t.Fatalf("first Run: %v", err)
	}
	c.checkCommitted(t, group, topic)

	want = append(want, c.produce(t, records(topic, 3, 600, 600))...)
	cfg.FromBeginning = false
	r2 := start(t, cfg, w)
	eventually(t, 30*time.Second, "records produced while stopped stored", func() bool { return w.count() == len(want) })
	if err := r2.stop(t); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	w.checkSet(t, want)
	if n := w.repeats(); n != 0 {
		t.Errorf("%d records written again after a clean restart", n)
	}
	c.checkCommitted(t, group, topic)
}

// TestIngestStoreDownAtShutdown stops an ingester whose store fails every
// write: Run gives up at the shutdown deadline with an error and commits
// nothing, so a new ingester with a working store still gets every record.
func TestIngestStoreDownAtShutdown(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	topic := base + "-t"
	c.createTopic(t, topic, 3, nil)
	want := c.produce(t, records(topic, 3, 0, 300))
	w := newMemStore()
	w.setFailAll(true)
	cfg := testConfig(c.addrs, group, base)
	cfg.ShutdownTimeout = 300 * time.Millisecond
	cfg.MaxInFlight = 1

	r1 := start(t, cfg, w)
	eventually(t, 30*time.Second, "failed writes retried", func() bool { return r1.in.Stats().Retries >= 3 })
	eventually(t, 30*time.Second, "lag of every unstored record", func() bool {
		return r1.metric(t, "eventscope_ingest_consumer_lag") == float64(len(want))
	})
	began := time.Now()
	err := r1.stop(t)
	if err == nil {
		t.Fatalf("Run returned nil with every write failing; want an error about unstored batches")
	}
	t.Logf("Run returned after %s: %v", time.Since(began).Round(time.Millisecond), err)
	if w.count() != 0 {
		t.Fatalf("store holds %d records though every write failed", w.count())
	}
	if ab := r1.in.Stats().Abandoned; ab == 0 {
		t.Errorf("stats: no abandoned batches")
	}

	w.setFailAll(false)
	r2 := start(t, cfg, w)
	eventually(t, 30*time.Second, "all records stored after the store recovered", func() bool { return w.count() == len(want) })
	if err := r2.stop(t); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	w.checkSet(t, want)
	c.checkCommitted(t, group, topic)
}
