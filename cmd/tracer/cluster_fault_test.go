package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/internal/clustertest"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// TestClusterFaults: two `tracer serve` replicas in one consumer group
// ingest into a ClickHouse cluster (scripts/clickhouse-cluster: 2 shards x
// 2 replicas) while one ClickHouse replica is killed (-9) and restarted
// and one tracer is killed (-9). Afterwards every produced record is read
// exactly once through every node, and every flow is complete. Writes go
// on through the other replica of the shard while one is down.
func TestClusterFaults(t *testing.T) { clusterFaults(t, 0) }

// TestClusterFaultsQuorum is TestClusterFaults with
// --clickhouse-insert-quorum 2: once the tracers have committed the
// offsets of a batch, its records are on both replicas of their shard, so
// killing a replica right then loses none of them (read at once from the
// replicas that got them by replication, without waiting); while the
// replica is down, writes to its shard wait for it.
func TestClusterFaultsQuorum(t *testing.T) { clusterFaults(t, 2) }

func clusterFaults(t *testing.T, quorum int) {
	if testing.Short() {
		t.Skip("cluster fault test skipped in -short mode")
	}
	base, nodes, dir := clustertest.Env(t)
	brokers := kafkatest.Broker(t)
	dsn := freshClusterDB(t, base, nodes)
	if err := clickhouse.Migrate(t.Context(), dsn); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	topic := kafkatest.Name(t, "orders")
	createTopic(t, brokers, topic, 4)
	prefix := kafkatest.Name(t, "flow")
	const flowsPerPhase, events = 20, 10
	// read_timeout: a connection whose insert failed when the replica it
	// was forwarded to died can wait for the driver's default 5 minutes.
	group := kafkatest.Name(t, "tracer")
	args := []string{"serve", "--brokers", brokers[0], "--store", dsn + "&read_timeout=20s", "--from-beginning",
		"--topics", "^" + topic + "$", "--group-id", group}
	if quorum > 0 {
		args = append(args, "--clickhouse-insert-quorum", strconv.Itoa(quorum))
	}

	produceFlows(t, brokers, topic, prefix, 0, flowsPerPhase, events, byEvent)
	a := tracerproc.Start(t, args...)
	b := tracerproc.Start(t, args...)
	a.WaitReady(t, 60*time.Second)
	b.WaitReady(t, 60*time.Second)
	q := "/api/flows?limit=200&q=" + url.QueryEscape("topic:"+topic)
	poll(t, 60*time.Second, "ingest to start", func() bool {
		var fl apiFlows
		return getJSON(t, b.URL, q, &fl) == 200 && len(fl.Flows) > 0
	})

	if quorum > 0 {
		// Committed offsets are acknowledged writes: with the quorum they
		// are on the second replicas (which the Distributed inserts do not
		// write to) before s2r1 dies.
		poll(t, 120*time.Second, "phase 1 committed", func() bool {
			return committed(t, brokers, group, topic, 4) == flowsPerPhase*events
		})
	}

	// A replica of shard 2 dies during ingest: the Distributed inserts go
	// to the other replica (with a quorum of 2, they wait for it);
	// restarted, it fetches what it missed.
	clustertest.Kill(t, dir, "s2r1")
	if quorum > 0 {
		if n := localRecords(t, dsn, []string{nodes[1], nodes[3]}); n != flowsPerPhase*events {
			t.Errorf("s1r2 + s2r2 hold %d records right after s2r1 died; want the %d committed", n, flowsPerPhase*events)
		}
	}
	produceFlows(t, brokers, topic, prefix, flowsPerPhase, 2*flowsPerPhase, events, byEvent)
	if quorum == 0 {
		poll(t, 120*time.Second, "phase 2 ingested with s2r1 down", func() bool {
			return completeFlows(t, b.URL, q, events) >= 2*flowsPerPhase
		})
	} else {
		// The writes of phase 2 that touch shard 2 are refused, not kept
		// on s2r2 alone.
		poll(t, 120*time.Second, "a write refused for want of a quorum", func() bool {
			return strings.Contains(a.Logs()+b.Logs(), "less than requested quorum")
		})
		if n := completeFlows(t, b.URL, q, events); n >= 2*flowsPerPhase {
			t.Errorf("%d complete flows with s2r1 down and a quorum of 2; want fewer than %d", n, 2*flowsPerPhase)
		}
	}
	clustertest.Restart(t)

	// A tracer dies: its partitions move to the other, which reads again
	// from the last committed offsets.
	a.Kill(t)
	produceFlows(t, brokers, topic, prefix, 2*flowsPerPhase, 3*flowsPerPhase, events, byEvent)
	total := 3 * flowsPerPhase
	poll(t, 120*time.Second, fmt.Sprintf("%d complete flows through the surviving tracer", total), func() bool {
		return completeFlows(t, b.URL, q, events) == total
	})

	// Every node, through its Distributed tables (it reads its own replica
	// first), and each replica's local table.
	for _, n := range nodes {
		nodeDSN := onNode(t, dsn, n)
		poll(t, 120*time.Second, "every flow complete, every record once, through "+n, func() bool {
			return flowsExact(t, nodeDSN, prefix, total, events)
		})
	}
	poll(t, 120*time.Second, "the replicas of each shard to agree", func() bool {
		return replicasAgree(t, dsn, nodes, total*events)
	})
}

// byEvent keys a record by its event ID: a flow's events spread over the
// partitions, so both tracers write parts of one flow.
func byEvent(_, id string) string { return id }

// freshClusterDB is a new database's DSN on the cluster, dropped on every
// node at the end.
func freshClusterDB(t *testing.T, base string, nodes []string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	db := "eventscope_fault_" + hex.EncodeToString(b)
	u.Path = "/" + db
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		for _, n := range nodes {
			conn := rawConn(t, n)
			if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS `"+db+"`"); err != nil {
				t.Errorf("drop %s on %s: %v", db, n, err)
			}
			conn.Close()
		}
	})
	return u.String()
}

// rawConn connects to the node of a DSN without eventscope's parameters.
func rawConn(t *testing.T, dsn string) ch.Conn {
	t.Helper()
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Del("cluster")
	u.RawQuery = q.Encode()
	o, err := ch.ParseDSN(u.String())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ch.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// onNode is dsn (database, cluster) on the node of nodeDSN.
func onNode(t *testing.T, dsn, nodeDSN string) string {
	t.Helper()
	u, _ := url.Parse(dsn)
	n, err := url.Parse(nodeDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = n.Host
	return u.String()
}

func createTopic(t *testing.T, brokers []string, topic string, parts int32) {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(brokers, sarama.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: parts, ReplicationFactor: 1}, false); err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
}

// produceFlows writes flows prefix-[from, to) of n events each caused by
// the one before, as JSON envelopes with the key key(flow, event ID).
func produceFlows(t *testing.T, brokers []string, topic, prefix string, from, to, n int, key func(flow, id string) string) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	prod, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	defer prod.Close()
	start := time.Now().Add(-time.Minute).UTC()
	var msgs []*sarama.ProducerMessage
	for f := from; f < to; f++ {
		corr := fmt.Sprintf("%s-%d", prefix, f)
		for i := range n {
			cause := ""
			if i > 0 {
				cause = fmt.Sprintf("%s-e%d", corr, i-1)
			}
			id := fmt.Sprintf("%s-e%d", corr, i)
			v := fmt.Sprintf(`{"metadata":{"eventId":%q,"eventType":"Step%d","correlationId":%q,"causationId":%q,"producer":"svc-%d","timestamp":%q},"data":{"n":%d}}`,
				id, i, corr, cause, i%3, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), i)
			msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(key(corr, id)), Value: sarama.StringEncoder(v)})
		}
	}
	if err := prod.SendMessages(msgs); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// completeFlows counts the flows the API lists with n events.
func completeFlows(t *testing.T, base, q string, n int) int {
	var fl apiFlows
	if getJSON(t, base, q, &fl) != 200 {
		return -1
	}
	c := 0
	for _, f := range fl.Flows {
		if f.EventCount == n {
			c++
		}
	}
	return c
}

// flowsExact reads every flow through the store on one node: n events
// each, every event ID once, the causal chain whole.
func flowsExact(t *testing.T, dsn, prefix string, flows, n int) bool {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := clickhouse.Open(ctx, dsn, clickhouse.Options{})
	if err != nil {
		t.Logf("open %s: %v", maskDSN(dsn), err)
		return false
	}
	defer s.Close()
	for f := range flows {
		evs, err := s.Flow(ctx, fmt.Sprintf("%s-%d", prefix, f))
		if err != nil || len(evs) != n {
			return false
		}
		seen := map[string]bool{}
		for _, e := range evs {
			if seen[e.EventID] {
				t.Errorf("%s: event %s read twice", maskDSN(dsn), e.EventID)
				return false
			}
			seen[e.EventID] = true
		}
	}
	return true
}

// committed is the sum of the offsets group committed on topic's parts
// partitions: the records it acknowledged, on a new topic.
func committed(t *testing.T, brokers []string, group, topic string, parts int32) int {
	admin, err := sarama.NewClusterAdmin(brokers, sarama.NewConfig())
	if err != nil {
		t.Logf("admin: %v", err)
		return -1
	}
	defer admin.Close()
	var ps []int32
	for p := range parts {
		ps = append(ps, p)
	}
	r, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: ps})
	if err != nil {
		t.Logf("committed offsets: %v", err)
		return -1
	}
	n := 0
	for _, p := range ps {
		if b := r.GetBlock(topic, p); b != nil && b.Offset > 0 {
			n += int(b.Offset)
		}
	}
	return n
}

// localRecords counts the distinct records of the events tables of the
// given nodes' own replicas.
func localRecords(t *testing.T, dsn string, nodes []string) int {
	u, _ := url.Parse(dsn)
	db := strings.TrimPrefix(u.Path, "/")
	total := 0
	for _, n := range nodes {
		conn := rawConn(t, n)
		var c uint64
		err := conn.QueryRow(t.Context(), "SELECT uniqExact(topic, kafka_partition, kafka_offset) FROM `"+db+"`.events_local").Scan(&c)
		conn.Close()
		if err != nil {
			t.Errorf("count on %s: %v", n, err)
		}
		total += int(c)
	}
	return total
}

// replicasAgree: the local events tables of the two replicas of each shard
// hold the same distinct records, and the shards together hold total.
func replicasAgree(t *testing.T, dsn string, nodes []string, total int) bool {
	u, _ := url.Parse(dsn)
	db := strings.TrimPrefix(u.Path, "/")
	counts := make([]uint64, len(nodes))
	for i, n := range nodes {
		conn := rawConn(t, n)
		err := conn.QueryRow(t.Context(), "SELECT uniqExact(topic, kafka_partition, kafka_offset) FROM `"+db+"`.events_local").Scan(&counts[i])
		conn.Close()
		if err != nil {
			return false
		}
	}
	// nodes: s1r1 s1r2 s2r1 s2r2
	return len(counts) == 4 && counts[0] == counts[1] && counts[2] == counts[3] && int(counts[0]+counts[2]) == total
}
