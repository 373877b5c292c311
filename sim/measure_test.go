package sim

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// TestMeasureBrokerMemory measures how the embedded broker's memory grows
// with the shop's records and what retention gives back. It is a
// measurement, not a check: it runs only with SIM_MEASURE_ORDERS=n set.
//
//	SIM_MEASURE_ORDERS=20000 go test ./sim -run MeasureBrokerMemory -v
func TestMeasureBrokerMemory(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIM_MEASURE_ORDERS"))
	if n <= 0 {
		t.Skip("measurement only: set SIM_MEASURE_ORDERS=n to run it")
	}
	const retention = 10 * time.Second
	b, err := StartBrokerConfig(BrokerConfig{Topics: Topics(), Retention: retention})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Brokers: b.Addrs(), Rate: 1000, Seed: 1, MaxOrders: n, Faults: DefaultFaults()})
	}()
	client, err := sarama.NewClient(b.Addrs(), sarama.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	records := func() int64 {
		var total int64
		for _, topic := range Topics() {
			for p := range int32(TopicPartitions) {
				if newest, err := client.GetOffset(topic, p, sarama.OffsetNewest); err == nil {
					total += newest
				}
			}
		}
		return total
	}
	// Settled when the record count stops growing for a second.
	last, stableSince := int64(-1), time.Now()
	waitFor(t, 5*time.Minute, "shop settled", func() bool {
		if r := records(); r != last {
			last, stableSince = r, time.Now()
		}
		return last > 0 && time.Since(stableSince) > time.Second
	})
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after := heap()
	grown := float64(after) - float64(before)
	t.Logf("%d orders, %d records in %v; heap %d -> %d MiB", n, last, elapsed.Round(time.Second), before>>20, after>>20)
	t.Logf("%.0f bytes/record, %.0f bytes/order; at 2 orders/s: %.1f MiB/hour",
		grown/float64(last), grown/float64(n), grown/float64(n)*2*3600/(1<<20))

	// Retention frees whole segments once all their records are older
	// than the retention time.
	waitFor(t, retention+10*time.Second, "retention past the last record", func() bool {
		return time.Since(stableSince) > retention+time.Second
	})
	b.ApplyRetention()
	t.Logf("after retention: heap %d MiB", heap()>>20)
}
