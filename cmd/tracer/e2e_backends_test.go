package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// TestServeEndToEnd runs the real binary's serve against a Kafka broker (the
// real one when EVENTSCOPE_TEST_KAFKA is set, else kfake) into each store:
// the embedded one, and ClickHouse when EVENTSCOPE_TEST_CLICKHOUSE is set
// (required in CI). It checks every produced event arrives once with its
// causal edges, and that a restart of the same consumer group re-stores
// nothing twice.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end serve test skipped in -short mode")
	}
	brokers := kafkatest.Broker(t)
	t.Run("sqlite", func(t *testing.T) {
		serveFlows(t, brokers, "sqlite://"+filepath.Join(t.TempDir(), "events.db"))
	})
	t.Run("clickhouse", func(t *testing.T) {
		serveFlows(t, brokers, freshClickHouse(t))
	})
}

const (
	e2eFlows     = 5
	e2eFlowEvent = 10
)

func serveFlows(t *testing.T, brokers []string, storeDSN string) {
	topic := kafkatest.Name(t, "orders")
	prefix := kafkatest.Name(t, "flow")
	produceChains(t, brokers, topic, prefix)
	args := []string{"serve", "--brokers", brokers[0], "--store", storeDSN,
		"--from-beginning", "--topics", "^" + topic + "$", "--group-id", kafkatest.Name(t, "tracer")}

	p := tracerproc.Start(t, args...)
	q := "/api/flows?limit=100&q=" + url.QueryEscape("topic:"+topic)
	poll(t, 60*time.Second, fmt.Sprintf("%d flows of %d events", e2eFlows, e2eFlowEvent), func() bool {
		var fl apiFlows
		if getJSON(t, p.URL, q, &fl) != 200 || len(fl.Flows) != e2eFlows {
			return false
		}
		for _, f := range fl.Flows {
			if f.EventCount != e2eFlowEvent {
				return false
			}
		}
		return true
	})
	var fl apiFlow
	id := prefix + "-0"
	if code := getJSON(t, p.URL, "/api/flows/"+url.PathEscape(id), &fl); code != 200 {
		t.Fatalf("GET flow %s: status %d", id, code)
	}
	if len(fl.Events) != e2eFlowEvent || len(fl.Edges) != e2eFlowEvent-1 {
		t.Errorf("flow %s: %d events, %d edges; want %d and %d", id, len(fl.Events), len(fl.Edges), e2eFlowEvent, e2eFlowEvent-1)
	}
	p.Stop(t)

	// The same group again: its offsets were committed, and whatever is
	// read again is stored once.
	p2 := tracerproc.Start(t, args...)
	poll(t, 30*time.Second, "/readyz", func() bool { return getJSON(t, p2.URL, "/readyz", nil) == 200 })
	var again apiFlows
	getJSON(t, p2.URL, q, &again)
	for _, f := range again.Flows {
		if f.EventCount != e2eFlowEvent {
			t.Errorf("after restart, flow %s has %d events, want %d", f.CorrelationID, f.EventCount, e2eFlowEvent)
		}
	}
	p2.Stop(t)
}

// produceChains writes e2eFlows flows of e2eFlowEvent events, each caused by
// the one before, as JSON envelopes keyed by flow.
func produceChains(t *testing.T, brokers []string, topic, prefix string) {
	t.Helper()
	produceFlows(t, brokers, topic, prefix, 0, e2eFlows, e2eFlowEvent, func(flow, _ string) string { return flow })
}

// freshClickHouse returns the DSN of a new migrated database on the test
// ClickHouse server, dropped at the end; without a server the test fails in
// CI and is skipped loudly elsewhere.
func freshClickHouse(t *testing.T) string {
	t.Helper()
	base := os.Getenv("EVENTSCOPE_TEST_CLICKHOUSE")
	if base == "" {
		msg := "EVENTSCOPE_TEST_CLICKHOUSE is not set: SKIPPING serve against ClickHouse (scripts/clickhouse start)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("EVENTSCOPE_TEST_CLICKHOUSE: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	db := "eventscope_e2e_" + hex.EncodeToString(b)
	u.Path = "/" + db
	dsn := u.String()
	t.Cleanup(func() {
		o, err := ch.ParseDSN(base)
		if err != nil {
			return
		}
		conn, err := ch.Open(o)
		if err != nil {
			return
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS `"+db+"`"); err != nil {
			t.Errorf("drop %s: %v", db, err)
		}
	})
	bin, err := tracerproc.Build()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "migrate", "--store", dsn).CombinedOutput(); err != nil {
		t.Fatalf("tracer migrate: %v\n%s", err, out)
	}
	return dsn
}
