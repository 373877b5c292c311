package kafkatest

import (
	"fmt"
	"net"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	numRecords    = 1000
	numPartitions = 3
)

// header is a comparable copy of a record header.
type header struct{ Key, Value string }

// wantHeaders are the headers produced with record i: a varying value,
// a duplicate name (order must survive), an empty value and binary bytes.
func wantHeaders(i int) []header {
	return []header{
		{"idx", strconv.Itoa(i)},
		{"trace-id", fmt.Sprintf("trace-%03d", i%17)},
		{"dup", "first"},
		{"dup", "second"},
		{"empty", ""},
		{"bin", string([]byte{0, 0xff, byte(i)})},
	}
}

func saramaConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.ClientID = "eventscope-kafkatest"
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Interval = 100 * time.Millisecond
	return cfg
}

// TestProduceConsumeHeaders creates a 3-partition topic, produces 1000
// records with headers and consumes them back with a consumer group,
// against a real broker when EVENTSCOPE_TEST_KAFKA is set, else kfake.
func TestProduceConsumeHeaders(t *testing.T) {
	addrs := Broker(t)
	t.Logf("broker %v (real Kafka: %v)", addrs, Real())
	cfg := saramaConfig()
	topic := Name(t, "kt")
	group := Name(t, "kt-group")

	admin, err := sarama.NewClusterAdmin(addrs, cfg)
	if err != nil {
		t.Fatalf("cluster admin: %v", err)
	}
	defer admin.Close()
	detail := &sarama.TopicDetail{NumPartitions: numPartitions, ReplicationFactor: 1}
	if err := admin.CreateTopic(topic, detail, false); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	t.Cleanup(func() { _ = admin.DeleteTopic(topic) })

	client, err := sarama.NewClient(addrs, cfg)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	defer client.Close()
	waitPartitions(t, client, topic, numPartitions)

	produce(t, client, topic)

	got := consume(t, addrs, cfg, group, topic)
	if len(got) != numRecords {
		t.Fatalf("consumed %d distinct records, want %d", len(got), numRecords)
	}
	perPartition := map[int32]int{}
	for i := range numRecords {
		m, ok := got[strconv.Itoa(i)]
		if !ok {
			t.Fatalf("record %d never consumed", i)
		}
		perPartition[m.Partition]++
		if string(m.Value) != fmt.Sprintf("value-%d", i) {
			t.Errorf("record %d: value %q", i, m.Value)
		}
		if diff := cmp.Diff(wantHeaders(i), headersOf(m), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("record %d headers (-want +got):\n%s", i, diff)
		}
	}
	if len(perPartition) != numPartitions {
		t.Errorf("records landed in partitions %v, want all %d", perPartition, numPartitions)
	}

	// The group's committed offsets cover every record exactly.
	offsets, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: {0, 1, 2}})
	if err != nil {
		t.Fatalf("list group offsets: %v", err)
	}
	var committed int64
	for p := range int32(numPartitions) {
		b := offsets.GetBlock(topic, p)
		if b == nil || b.Err != sarama.ErrNoError {
			t.Fatalf("partition %d: no committed offset (%+v)", p, b)
		}
		if int(b.Offset) != perPartition[p] {
			t.Errorf("partition %d: committed offset %d, consumed %d records", p, b.Offset, perPartition[p])
		}
		committed += b.Offset
	}
	if committed != numRecords {
		t.Errorf("committed offsets add up to %d, want %d", committed, numRecords)
	}
}

func TestBrokerRequiredButUnset(t *testing.T) {
	if Real() {
		t.Skip("EVENTSCOPE_TEST_KAFKA is set: this checks the unset case")
	}
	t.Setenv(EnvRequire, "1")
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() { // Fatalf calls runtime.Goexit, so run Broker on its own goroutine.
		defer close(done)
		Broker(ft)
	}()
	<-done
	if !ft.failed {
		t.Fatalf("Broker with %s=1 and no %s did not fail the test", EnvRequire, EnvAddr)
	}
}

func TestWaitReadyUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a port nothing listens on
	start := time.Now()
	err = waitReady([]string{addr}, 500*time.Millisecond)
	if err == nil {
		t.Fatalf("waitReady(%s) = nil, want an error", addr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("waitReady took %s with a 500ms timeout", d)
	}
}

func TestSplitAddrs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"127.0.0.1:9092", []string{"127.0.0.1:9092"}},
		{" a:1, b:2 ,,", []string{"a:1", "b:2"}},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitAddrs(tt.in)); diff != "" {
			t.Errorf("splitAddrs(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestName(t *testing.T) {
	a, b := Name(t, "orders"), Name(t, "orders")
	if a == b {
		t.Errorf("Name returned %q twice", a)
	}
	if want := "orders-TestName-"; len(a) != len(want)+8 || a[:len(want)] != want {
		t.Errorf("Name = %q, want %s<8 hex>", a, want)
	}
}

// fatalRecorder records Fatalf instead of failing the real test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failed = true
	f.TB.Logf("(expected) "+format, args...)
	runtime.Goexit()
}
