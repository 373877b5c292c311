package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// BenchmarkLoginFloodIngest measures what a failed-login flood costs
// ingest (issue 17 F5): the real binary with basic auth (bcrypt) serves a
// topic into the embedded store; a burst of 20k records is produced with
// no attacker, then while 50 clients (each from its own 127.0.1.x
// address) send wrong passwords as fast as they can, in alternation; the
// time from the first record sent to the last one stored is reported for
// each. Run it once:
//
//	go test ./cmd/tracer -run '^$' -bench LoginFloodIngest -benchtime 1x
func BenchmarkLoginFloodIngest(b *testing.B) {
	const burst, attackers, rounds = 20_000, 50, 2
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.DefaultCost)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	htpasswd := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htpasswd, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	brokers := kafkatest.Broker(b)
	topic := kafkatest.Name(b, "burst")
	p := tracerproc.Start(b, "serve", "--brokers", brokers[0], "--store", "sqlite://"+filepath.Join(dir, "events.db"),
		"--topics", "^"+topic+"$", "--group-id", kafkatest.Name(b, "tracer"), "--search-rate", "-1", "--from-beginning",
		"--auth", "basic", "--auth-htpasswd-file", htpasswd)
	stored := func() int {
		req, _ := http.NewRequest("GET", p.URL+"/api/stats", nil)
		req.SetBasicAuth("alice", "s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		defer resp.Body.Close()
		var st struct {
			Ingest struct {
				Stored int `json:"stored"`
			} `json:"ingest"`
		}
		json.NewDecoder(resp.Body).Decode(&st)
		return st.Ingest.Stored
	}
	prod := burstProducer(b, brokers)
	sendBurst(b, prod, topic, 0, 100) // creates the topic
	poll(b, 60*time.Second, "the first records stored", func() bool { return stored() >= 100 })

	sent := 100
	times := map[bool][]time.Duration{}
	for range b.N {
		for range rounds {
			for _, flood := range []bool{false, true} {
				stop, tries := func() {}, func() (int64, int64) { return 0, 0 }
				if flood {
					stop, tries = loginFlood(p.URL, attackers)
					poll(b, 30*time.Second, "the flood under way (attackers throttled)", func() bool {
						_, n429 := tries()
						return n429 >= attackers
					})
				}
				before := stored()
				start := time.Now()
				sendBurst(b, prod, topic, sent, burst)
				sent += burst
				poll(b, 5*time.Minute, "the burst stored", func() bool { return stored() >= before+burst })
				d := time.Since(start)
				stop()
				n401, n429 := tries()
				times[flood] = append(times[flood], d)
				b.Logf("flood %v: burst stored in %v (attackers got %d 401, %d 429)", flood, d, n401, n429)
			}
		}
	}
	b.Logf("20k-record burst, produce to stored: no attacker %v, %d attackers %v", times[false], attackers, times[true])
	for _, flood := range []bool{false, true} {
		var best time.Duration
		for i, d := range times[flood] {
			if i == 0 || d < best {
				best = d
			}
		}
		b.ReportMetric(best.Seconds(), fmt.Sprintf("s_best_flood_%v", flood))
	}
}

// loginFlood starts n clients sending wrong passwords to base, each from
// its own loopback address; stop ends them, tries counts their answers.
func loginFlood(base string, n int) (stop func(), tries func() (n401, n429 int64)) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var c401, c429 atomic.Int64
	for i := range n {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(10+i))}
		tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}
		c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		wg.Go(func() {
			defer tr.CloseIdleConnections()
			for j := 0; ; j++ {
				select {
				case <-done:
					return
				default:
				}
				req, _ := http.NewRequest("GET", base+"/api/flows", nil)
				req.SetBasicAuth("alice", fmt.Sprint("guess", j))
				resp, err := c.Do(req)
				if err != nil {
					continue
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusUnauthorized:
					c401.Add(1)
				case http.StatusTooManyRequests:
					c429.Add(1)
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }, func() (int64, int64) { return c401.Load(), c429.Load() }
}
