//go:build storebench

package ingest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// BenchmarkIngestStore measures, over the records of BenchmarkIngest, each
// real store's raw insert rate (Write of already decoded batches of 1000,
// one writer) and the ingester's end-to-end rate into it (consume, decode,
// batch, write, mark, commit). sqlite always; ClickHouse when
// EVENTSCOPE_TEST_CLICKHOUSE names a server (database
// eventscope_ingest_bench, created when missing). Behind the storebench
// build tag so that the ingest tests never depend on the stores' packages.
func BenchmarkIngestStore(b *testing.B) {
	c, topic, n := benchTopic(b)
	evs := decodeBench(topic, n)
	type backend struct {
		name string
		open func(b *testing.B) (store.Writer, func())
	}
	backends := []backend{{"sqlite", func(b *testing.B) (store.Writer, func()) {
		s, err := sqlite.Open(b.Context(), b.TempDir()+"/events.db", nil)
		if err != nil {
			b.Fatalf("open sqlite: %v", err)
		}
		return s, func() { s.Close() }
	}}}
	if dsn := os.Getenv("EVENTSCOPE_TEST_CLICKHOUSE"); dsn != "" {
		dsn = dsnDatabase(dsn, "eventscope_ingest_bench")
		if err := clickhouse.Migrate(b.Context(), dsn); err != nil {
			b.Fatalf("migrate clickhouse: %v", err)
		}
		backends = append(backends, backend{"clickhouse", func(b *testing.B) (store.Writer, func()) {
			s, err := clickhouse.Open(b.Context(), dsn, clickhouse.Options{})
			if err != nil {
				b.Fatalf("open clickhouse: %v", err)
			}
			return s, func() { s.Close() }
		}})
	} else {
		b.Log("EVENTSCOPE_TEST_CLICKHOUSE unset: ClickHouse not measured")
	}
	for _, be := range backends {
		b.Run(be.name+"/raw-insert", func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				w, closeFn := be.open(b)
				for i := 0; i < len(evs); i += 1000 {
					if err := w.Write(context.Background(), evs[i:min(i+1000, len(evs))]); err != nil {
						b.Fatalf("write: %v", err)
					}
				}
				closeFn()
			}
			report(b, n, cpuTime()-cpu0)
		})
		b.Run(be.name+"/ingest", func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				w, closeFn := be.open(b)
				ingestAll(b, c.addrs, kafkatest.Name(b, "bench-ingest"), topic, int64(n), w)
				closeFn()
			}
			report(b, n, cpuTime()-cpu0)
		})
	}
}

// decodeBench decodes the benchmark's records as a consumer would see them,
// under a topic of their own so they never collide with ingested ones.
func decodeBench(topic string, n int) []event.Event {
	dec := event.NewDecoder(event.Config{})
	msgs := benchRecords(topic, 0, n)
	now := time.Now()
	out := make([]event.Event, n)
	for i, m := range msgs {
		k, _ := m.Key.Encode()
		v, _ := m.Value.Encode()
		hs := make([]*sarama.RecordHeader, len(m.Headers))
		for j := range m.Headers {
			hs[j] = &m.Headers[j]
		}
		out[i] = dec.Decode(toRecord(&sarama.ConsumerMessage{
			Topic: "raw-" + topic, Partition: m.Partition, Offset: int64(i / 3),
			Key: k, Value: v, Headers: hs, Timestamp: now,
		}), now)
	}
	return out
}

// dsnDatabase replaces the database of a clickhouse:// DSN.
func dsnDatabase(dsn, db string) string {
	rest, query, _ := strings.Cut(dsn, "?")
	scheme, hostPath, _ := strings.Cut(rest, "://")
	host, _, _ := strings.Cut(hostPath, "/")
	out := scheme + "://" + host + "/" + db
	if query != "" {
		out += "?" + query
	}
	return out
}
