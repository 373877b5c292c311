package sim

import (
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// TestShopRebalance runs a second shop instance whose services join the
// same consumer groups part-way, then leave: the groups rebalance twice
// and every order still gets paid and prepared exactly once, with no
// event published twice.
func TestShopRebalance(t *testing.T) {
	const ordersA, ordersB = 30, 1
	b := startTestBroker(t)
	baseline := runtime.NumGoroutine()
	fastHeartbeat := func() *sarama.Config {
		c := sarama.NewConfig()
		c.Consumer.Group.Heartbeat.Interval = 100 * time.Millisecond // notice rebalances quickly
		return c
	}
	stopA := runShop(t, Config{Brokers: b.Addrs(), Rate: 10, Seed: 42, MaxOrders: ordersA, SaramaConfig: fastHeartbeat})
	col := newCollector(t, b.Addrs(), Topics())
	count := func(typ string) int {
		n := 0
		for _, rs := range flows(col.snapshot()) {
			if len(ofType(rs, typ)) > 0 {
				n++
			}
		}
		return n
	}
	waitFor(t, 20*time.Second, "first payments", func() bool { return count(TypePaymentAuthorized) >= 3 })
	logB := &lineCounter{}
	stopB := runShop(t, Config{
		Brokers: b.Addrs(), Rate: 50, Seed: 43, MaxOrders: ordersB, SaramaConfig: fastHeartbeat,
		Logger: slog.New(slog.NewTextHandler(logB, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	waitFor(t, 20*time.Second, "second instance's five services assigned partitions", func() bool {
		return logB.count("partitions assigned") >= 5
	})
	paid := count(TypePaymentAuthorized)
	waitFor(t, 20*time.Second, "payments with two members", func() bool { return count(TypePaymentAuthorized) >= paid+3 })
	stopB()
	const all = ordersA + ordersB
	waitFor(t, 30*time.Second, "every order paid and prepared", func() bool {
		return count(TypePaymentAuthorized) == all && count(TypePizzaPrepared) == all
	})
	stopA()
	col.close()
	checkGoroutines(t, baseline)

	for id, rs := range flows(col.snapshot()) {
		seen := map[string]bool{}
		for _, r := range rs {
			if seen[r.ev.ID] {
				t.Errorf("%s: %s %s published twice across the rebalance", id, r.ev.Type, r.ev.ID)
			}
			seen[r.ev.ID] = true
		}
		for _, typ := range []string{TypeOrderPlaced, TypePizzaPrepared, TypePaymentAuthorized} {
			if n := len(ofType(rs, typ)); n != 1 {
				t.Errorf("%s: %d %s, want 1", id, n, typ)
			}
		}
	}
}

// lineCounter is an io.Writer counting the log lines that contain a text.
type lineCounter struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(p))
	return len(p), nil
}

func (l *lineCounter) count(text string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, text) {
			n++
		}
	}
	return n
}
