package ingest

import (
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/eventscope/eventscope/internal/kafkatest"
)

// TestIngestStopsWithBrokerGone: when the broker disappears mid-run, Run
// still returns soon after its context ends (kfake only: a real broker
// cannot be killed from here).
func TestIngestStopsWithBrokerGone(t *testing.T) {
	checkNoLeaks(t)
	kc, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			kc.Close()
		}
	})
	addrs := kc.ListenAddrs()
	cfg := clientConfig()
	admin, err := sarama.NewClusterAdmin(addrs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	base := kafkatest.Name(t, "ing")
	if err := admin.CreateTopic(base+"-t", &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	prod, err := sarama.NewSyncProducer(addrs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := prod.SendMessages(records(base+"-t", 3, 0, 300)); err != nil {
		t.Fatal(err)
	}
	prod.Close()

	w := newMemStore()
	r := start(t, testConfig(addrs, kafkatest.Name(t, "grp"), base), w)
	eventually(t, 30*time.Second, "records stored", func() bool { return w.count() == 300 })
	kc.Close()
	closed = true
	began := time.Now()
	_ = r.stop(t) // an error is fine (the final commit cannot reach the broker); a hang is not
	if took := time.Since(began); took > 20*time.Second {
		t.Errorf("Run took %s to return with the broker gone", took)
	}
	t.Logf("Run returned %s after cancel: %v", time.Since(began).Round(time.Millisecond), r.err)
}
