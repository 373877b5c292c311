package ingest

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/internal/kafkatest"
)

// TestIngestTwoMembersSharePartitions runs a second ingester in the same
// group that joins and later leaves while records keep arriving: the two
// share the partitions and together store every record.
func TestIngestTwoMembersSharePartitions(t *testing.T) {
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	topics := []string{base + "-a", base + "-b"}
	for _, tp := range topics {
		c.createTopic(t, tp, 3, nil)
	}
	var want []coord
	produce := func(first, n int) {
		for _, tp := range topics {
			want = append(want, c.produce(t, records(tp, 3, first, n))...)
		}
	}
	owned := func(r *run) int { return len(r.in.Stats().Partitions) }
	w := newMemStore()
	cfg := testConfig(c.addrs, group, base)

	produce(0, 300)
	a := start(t, cfg, w)
	eventually(t, 30*time.Second, "first records stored by A", func() bool { return w.count() == len(want) })

	b := start(t, cfg, w)
	eventually(t, 30*time.Second, "A and B sharing the 6 partitions", func() bool {
		na, nb := owned(a), owned(b)
		return na > 0 && nb > 0 && na+nb == 6
	})
	t.Logf("shared: A owns %d partitions, B %d", owned(a), owned(b))
	produce(300, 300)
	eventually(t, 30*time.Second, "records produced while shared stored", func() bool { return w.count() == len(want) })
	if b.in.Stats().Stored == 0 {
		t.Errorf("B stored nothing while it owned %d partitions", owned(b))
	}

	if err := b.stop(t); err != nil {
		t.Fatalf("B Run: %v", err)
	}
	produce(600, 300)
	eventually(t, 30*time.Second, "A owning all partitions again", func() bool { return owned(a) == 6 })
	eventually(t, 30*time.Second, "records produced after B left stored", func() bool { return w.count() == len(want) })
	if err := a.stop(t); err != nil {
		t.Fatalf("A Run: %v", err)
	}
	w.checkSet(t, want)
	t.Logf("%d records, %d idempotent repeats across rebalances", len(want), w.repeats())
	c.checkCommitted(t, group, topics...)
}

// TestRunUnreachableBroker: Run returns a clear error quickly when no broker
// answers.
func TestRunUnreachableBroker(t *testing.T) {
	checkNoLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	in, err := New(Config{Brokers: []string{addr}}, newMemStore(), nil, testLog(t), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	began := time.Now()
	err = in.Run(t.Context())
	took := time.Since(began)
	if err == nil || !strings.Contains(err.Error(), "connect to kafka at "+addr) {
		t.Fatalf("Run = %v; want a connect error naming %s", err, addr)
	}
	if took > 5*time.Second {
		t.Errorf("Run took %s to report an unreachable broker", took)
	}
	if in.Ready() {
		t.Errorf("Ready after a failed Run")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		w    *memStore
		want string
	}{
		{"no brokers", Config{}, newMemStore(), "no kafka brokers"},
		{"blank broker", Config{Brokers: []string{" "}}, newMemStore(), "empty kafka broker"},
		{"no writer", Config{Brokers: []string{"x:9092"}}, nil, "no store writer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.w == nil {
				_, err = New(tt.cfg, nil, nil, nil, nil)
			} else {
				_, err = New(tt.cfg, tt.w, nil, nil, nil)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestWantedTopics(t *testing.T) {
	tests := []struct {
		include, exclude string
		topic            string
		want             bool
	}{
		{"", "", "orders", true},
		{"", "", "__consumer_offsets", false},
		{"", "", "__anything", false},
		{".*", "", "__transaction_state", false},
		{"", "", "_single_underscore", true},
		{"^orders", "", "orders.DLT", true},
		{"^orders", "", "payments", false},
		{"", `\.DLT$`, "orders.DLT", false},
		{"^orders", `\.DLT$`, "orders", true},
		{"kitchen|payments", "", "payments", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s_%s_%s", tt.include, tt.exclude, tt.topic), func(t *testing.T) {
			var c Config
			if tt.include != "" {
				c.Topics = regexp.MustCompile(tt.include)
			}
			if tt.exclude != "" {
				c.ExcludeTopics = regexp.MustCompile(tt.exclude)
			}
			if got := c.wanted(tt.topic); got != tt.want {
				t.Errorf("wanted(%q) = %v, want %v", tt.topic, got, tt.want)
			}
		})
	}
}
