package sim

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Broker retention defaults. kfake keeps every record in memory, so the
// embedded broker drops records older than DefaultRetention (or beyond
// DefaultRetentionBytes per partition) once a whole segment of
// DefaultSegmentBytes has aged out. Measured with the shop's records
// (SIM_MEASURE_ORDERS=20000 go test ./sim -run MeasureBrokerMemory -v):
// about 1 KiB of heap per record, 6.9 KB per order, so 47.5 MiB per hour at
// 2 orders/s; the default hour of retention holds the demo near 50 MiB, and
// what stays after retention is each partition's open segment.
const (
	DefaultRetention      = time.Hour
	DefaultRetentionBytes = 256 << 20 // per partition
	DefaultSegmentBytes   = 1 << 20
	retentionInterval     = time.Minute
)

// BrokerConfig configures an embedded broker. The zero value of each field
// means its default.
type BrokerConfig struct {
	// Addr is where the broker listens; "127.0.0.1:0" (the default) picks a
	// free port.
	Addr string
	// Partitions is the partition count of the pre-created topics (default 3)
	// and of auto-created ones.
	Partitions int32
	// Topics are created at start. Auto topic creation stays allowed.
	Topics []string
	// Retention drops records older than this (default DefaultRetention;
	// negative keeps everything).
	Retention time.Duration
	// RetentionBytes caps each partition's size (default
	// DefaultRetentionBytes; negative means no cap).
	RetentionBytes int64
	// Logger receives the broker's own start and retention messages.
	Logger *slog.Logger
}

// Broker is an embedded Kafka-protocol broker (kfake, one node, in memory).
type Broker struct {
	cluster *kfake.Cluster
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// StartBroker starts kfake listening on addr ("127.0.0.1:0" for a free port),
// with the given topics pre-created (partitions each). Auto topic creation
// stays allowed. Retention is DefaultRetention and DefaultRetentionBytes.
func StartBroker(addr string, partitions int32, topics ...string) (*Broker, error) {
	return StartBrokerConfig(BrokerConfig{Addr: addr, Partitions: partitions, Topics: topics})
}

// StartBrokerConfig starts an embedded broker as cfg says.
func StartBrokerConfig(cfg BrokerConfig) (*Broker, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Partitions <= 0 {
		cfg.Partitions = 3
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.RetentionBytes == 0 {
		cfg.RetentionBytes = DefaultRetentionBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	retMS := int64(-1)
	if cfg.Retention > 0 {
		retMS = cfg.Retention.Milliseconds()
	}
	retBytes := max(cfg.RetentionBytes, -1)
	addr := cfg.Addr
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, addr)
		}),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(int(cfg.Partitions)),
		kfake.BrokerConfigs(map[string]string{
			"log.retention.ms":    strconv.FormatInt(retMS, 10),
			"log.retention.bytes": strconv.FormatInt(retBytes, 10),
			"log.segment.bytes":   strconv.Itoa(DefaultSegmentBytes),
		}),
	}
	if len(cfg.Topics) > 0 {
		opts = append(opts, kfake.SeedTopics(cfg.Partitions, cfg.Topics...))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker on %s: %w", cfg.Addr, err)
	}
	b := &Broker{cluster: c, stop: make(chan struct{}), done: make(chan struct{})}
	log := cfg.Logger.With("component", "sim.broker")
	log.Info("embedded broker started", "addrs", c.ListenAddrs(), "topics", cfg.Topics,
		"retention", cfg.Retention, "retention_bytes", cfg.RetentionBytes)
	go b.retain(retMS >= 0 || retBytes >= 0)
	return b, nil
}

// retain applies retention periodically: kfake only runs its own retention
// ticker for topics with per-topic retention configs, not broker-wide ones.
func (b *Broker) retain(enabled bool) {
	defer close(b.done)
	if !enabled {
		<-b.stop
		return
	}
	t := time.NewTicker(retentionInterval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.cluster.ApplyRetention()
		}
	}
}

// Addrs returns the broker's listen addresses (host:port), for clients'
// bootstrap lists.
func (b *Broker) Addrs() []string { return b.cluster.ListenAddrs() }

// ApplyRetention drops records past the retention limits now.
func (b *Broker) ApplyRetention() { b.cluster.ApplyRetention() }

// Close stops the broker and frees its records. It is safe to call twice.
func (b *Broker) Close() {
	b.once.Do(func() {
		close(b.stop)
		<-b.done
		b.cluster.Close()
	})
}
