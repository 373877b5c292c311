package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// BenchmarkLiveTailIngest measures what live-tail clients cost ingest
// (issue 17 F6): the real binary serves a topic into the embedded store;
// a burst of 20k records is produced with no /api/live client, then with
// 500 (half read everything, half never read after the headers), in
// alternation, and the time from the first record sent to the last one
// stored is reported for each. Run it once:
//
//	go test ./cmd/tracer -run '^$' -bench LiveTailIngest -benchtime 1x
func BenchmarkLiveTailIngest(b *testing.B) {
	const burst, clients, rounds = 20_000, 500, 2
	brokers := kafkatest.Broker(b)
	topic := kafkatest.Name(b, "burst")
	b.Setenv("TRACER_LIVE_MAX_CLIENTS", "1000")
	p := tracerproc.Start(b, "serve", "--brokers", brokers[0], "--store", "sqlite://"+filepath.Join(b.TempDir(), "events.db"),
		"--topics", "^"+topic+"$", "--group-id", kafkatest.Name(b, "tracer"), "--search-rate", "-1", "--from-beginning")
	prod := burstProducer(b, brokers)
	sendBurst(b, prod, topic, 0, 100) // creates the topic
	poll(b, 60*time.Second, "the first records stored", func() bool { return storedCount(b, p.URL) >= 100 })

	sent := 100
	times := map[int][]time.Duration{}
	for range b.N {
		for range rounds {
			for _, n := range []int{0, clients} {
				stop := openLiveClients(b, p.URL, n)
				before := storedCount(b, p.URL)
				start := time.Now()
				sendBurst(b, prod, topic, sent, burst)
				sent += burst
				poll(b, 5*time.Minute, "the burst stored", func() bool { return storedCount(b, p.URL) >= before+burst })
				times[n] = append(times[n], time.Since(start))
				b.Logf("%d clients: burst stored in %v", n, time.Since(start))
				stop()
			}
		}
	}
	b.Logf("20k-record burst, produce to stored: no client %v, %d clients %v", times[0], clients, times[clients])
	for _, n := range []int{0, clients} {
		var best time.Duration
		for i, d := range times[n] {
			if i == 0 || d < best {
				best = d
			}
		}
		b.ReportMetric(best.Seconds(), fmt.Sprintf("s_best_%d_clients", n))
	}
}

func burstProducer(b *testing.B, brokers []string) sarama.SyncProducer {
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	prod, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { prod.Close() })
	return prod
}

// sendBurst produces n 300-byte JSON envelopes with 3 headers, flows of 10.
func sendBurst(b *testing.B, prod sarama.SyncProducer, topic string, first, n int) {
	msgs := make([]*sarama.ProducerMessage, 0, 1000)
	for i := first; i < first+n; i++ {
		corr := fmt.Sprintf("burst-%d", i/10)
		v := fmt.Sprintf(`{"eventId":"e-%d","eventType":"Step%d","correlationId":%q,"producer":"svc-%d","data":{"sku":"pizza-%d","qty":%d,"note":"%s"}}`,
			i, i%10, corr, i%5, i%97, i%7, strings.Repeat("x", 150))
		msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(corr), Value: sarama.StringEncoder(v),
			Headers: []sarama.RecordHeader{{Key: []byte("source"), Value: []byte("bench")}, {Key: []byte("x-a"), Value: []byte("1")}, {Key: []byte("x-b"), Value: []byte("2")}}})
		if len(msgs) == cap(msgs) || i == first+n-1 {
			if err := prod.SendMessages(msgs); err != nil {
				b.Fatal(err)
			}
			msgs = msgs[:0]
		}
	}
}

func storedCount(b *testing.B, base string) int {
	var st struct {
		Ingest struct {
			Stored int `json:"stored"`
		} `json:"ingest"`
	}
	getJSON(b, base, "/api/stats", &st)
	return st.Ingest.Stored
}

// openLiveClients opens n /api/live streams: even ones read and discard
// everything, odd ones stop reading after the headers. stop closes all.
func openLiveClients(b *testing.B, base string, n int) (stop func()) {
	u, _ := url.Parse(base)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	ready := make(chan struct{}, n)
	for i := range n {
		wg.Go(func() {
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				b.Error(err)
				ready <- struct{}{}
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			fmt.Fprintf(conn, "GET /api/live HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host)
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != 200 {
				b.Errorf("live client %d: %v %v", i, err, resp)
				ready <- struct{}{}
				return
			}
			ready <- struct{}{}
			if i%2 == 1 {
				<-ctx.Done() // never reads
				return
			}
			io.Copy(io.Discard, br)
		})
	}
	for range n {
		<-ready
	}
	return func() {
		cancel()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}
}
