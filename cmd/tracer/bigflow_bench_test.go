package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
	"github.com/eventscope/eventscope/sqlite"
)

// BenchmarkBigFlowAbuse is issue 17's F4 target: one flow of 100k events
// in the embedded store; the real binary serves it; 8 clients request its
// JSON (every page), its JSON export, its DOT and Mermaid exports in a loop
// for 30 s. It reports the statuses, the p50/p99 of each request, the
// tracer's peak RSS during the load and its RSS one minute after, and how
// long a burst of 20k records takes to be stored idle and during the load. Run it
// once:
//
//	go test ./cmd/tracer -run '^$' -bench BigFlowAbuse -benchtime 1x -timeout 30m
func BenchmarkBigFlowAbuse(b *testing.B) {
	const events, clients, load, settle = 100_000, 8, 30 * time.Second, time.Minute
	path := filepath.Join(b.TempDir(), "events.db")
	writeBigFlow(b, path, "big-flow", events)
	brokers := kafkatest.Broker(b)
	topic := kafkatest.Name(b, "ingest")
	p := tracerproc.Start(b, "serve", "--brokers", brokers[0], "--store", "sqlite://"+path, "--from-beginning",
		"--topics", "^"+topic+"$", "--group-id", kafkatest.Name(b, "tracer"), "--search-rate", "-1")
	prod := burstProducer(b, brokers)
	sendBurst(b, prod, topic, 0, 100) // creates the topic
	poll(b, 60*time.Second, "the first records stored", func() bool { return storedCount(b, p.URL) >= 100 })
	sent := 100
	// ingest measures how long a burst of 20k records takes to be stored.
	ingest := func() time.Duration {
		before, start := storedCount(b, p.URL), time.Now()
		sendBurst(b, prod, topic, sent, 20_000)
		sent += 20_000
		poll(b, 5*time.Minute, "the burst stored", func() bool { return storedCount(b, p.URL) >= before+20_000 })
		return time.Since(start)
	}
	idle := ingest()
	rss := &rssSampler{pid: p.PID()}
	base := rss.now()
	targets := []string{"/api/flows/big-flow", "/flows/big-flow/export?format=json", "/flows/big-flow/export?format=dot", "/flows/big-flow/export?format=mermaid"}
	for range b.N {
		stop := rss.run()
		var mu sync.Mutex
		codes := map[int]int{}
		lat := map[string][]time.Duration{}
		var wg sync.WaitGroup
		deadline := time.Now().Add(load)
		var n atomic.Int64
		for i := range clients {
			wg.Go(func() {
				for k := i; time.Now().Before(deadline); k++ {
					target := targets[k%len(targets)]
					t0 := time.Now()
					code := 0
					if k%len(targets) == 0 {
						code = getAllPages(p.URL + target)
					} else {
						code = getDiscard(p.URL + target)
					}
					mu.Lock()
					codes[code]++
					lat[target] = append(lat[target], time.Since(t0))
					mu.Unlock()
					n.Add(1)
				}
			})
		}
		time.Sleep(load / 3)
		busy := ingest() // while the clients run
		wg.Wait()
		peak := stop()
		b.Logf("20k-record burst stored in %v idle, %v under the load", idle, busy)
		b.ReportMetric(busy.Seconds()/idle.Seconds(), "ingest_time_ratio")
		after, fell := rss.waitBelow(250<<20, settle)
		b.Logf("statuses %v over %d requests; RSS before %d MiB, peak %d MiB, %s later %d MiB", codes, n.Load(), base>>20, peak>>20, fell, after>>20)
		for _, t := range targets {
			d := lat[t]
			slices.Sort(d)
			if len(d) > 0 {
				b.Logf("%s: %d requests, p50 %v, p99 %v", t, len(d), d[len(d)/2], d[len(d)*99/100])
			}
		}
		b.ReportMetric(float64(peak>>20), "peak_RSS_MiB")
		b.ReportMetric(float64(after>>20), "RSS_after_MiB")
		b.ReportMetric(fell.Seconds(), "s_to_below_250MiB")
		var bad int
		for c, k := range codes {
			if c >= 500 && c != http.StatusServiceUnavailable || c == 0 {
				bad += k
			}
		}
		b.ReportMetric(float64(bad), "5xx_undocumented")
		b.ReportMetric(float64(codes[http.StatusServiceUnavailable]), "503s")
	}
}

// writeBigFlow stores one flow of n events: a causal tree (each event
// caused by one of the 50 before it), over 6 topics and 3 partitions each,
// interleaved with other flows' events, over three days, 300-byte
// payloads and 3 headers, random UUIDs.
func writeBigFlow(b *testing.B, path, flow string, n int) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	start := time.Now().Add(-72 * time.Hour).UTC()
	ids := make([]string, n)
	offsets := map[string]int64{}
	var batch []event.Event
	for i := range n {
		ids[i] = uuid()
		cause := ""
		if i > 0 {
			cause = ids[max(0, i-1-int(uuidByte()%50))]
		}
		topic := fmt.Sprintf("orders-%d", i%6)
		part := int32(i % 3)
		k := topic + "/" + strconv.Itoa(int(part))
		e := event.Event{
			EventID: ids[i], CorrelationID: flow, CausationID: cause, Type: fmt.Sprintf("Step%d", i%12), Source: fmt.Sprintf("svc-%d", i%7),
			Time: start.Add(time.Duration(i) * 2 * time.Second), Topic: topic, Partition: part, Offset: offsets[k], Key: flow,
			Headers: []event.Header{{Key: "ce_id", Value: ids[i]}, {Key: "traceparent", Value: "00-" + strings.Repeat("a", 32) + "-" + strings.Repeat("b", 16) + "-01"}, {Key: "source", Value: "svc"}},
			Payload: []byte(fmt.Sprintf(`{"orderId":%q,"sku":"pizza-%d","qty":%d,"note":%q}`, flow, i%97, i%5, strings.Repeat("x", 220))),
		}
		offsets[k] += 2 // another flow's record between
		e.KafkaTime, e.IngestedAt, e.PayloadSize = e.Time, e.Time, len(e.Payload)
		batch = append(batch, e)
		if len(batch) == 5000 || i == n-1 {
			if err := st.Write(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

func uuid() string {
	var u [16]byte
	rand.Read(u[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

func uuidByte() byte {
	var u [1]byte
	rand.Read(u[:])
	return u[0]
}

func getDiscard(u string) int {
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// getAllPages follows next_cursor to the last page; the worst status.
func getAllPages(u string) int {
	cursor := ""
	for {
		resp, err := http.Get(u + "?cursor=" + url.QueryEscape(cursor))
		if err != nil {
			return 0
		}
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		err = jsonDecode(resp.Body, &page)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil {
			return resp.StatusCode
		}
		if cursor = page.NextCursor; cursor == "" {
			return 200
		}
	}
}

// rssSampler reads a process's resident set size from /proc.
type rssSampler struct{ pid int }

func (r *rssSampler) now() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", r.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// run samples every 100 ms until the returned stop, which gives the peak.
func (r *rssSampler) run() (stop func() int64) {
	done := make(chan struct{})
	var peak atomic.Int64
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if v := r.now(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); return peak.Load() }
}

// waitBelow polls until RSS is under limit or within passed; it returns
// the last RSS and how long it took (within when it never fell).
func (r *rssSampler) waitBelow(limit int64, within time.Duration) (int64, time.Duration) {
	start := time.Now()
	for {
		v := r.now()
		if v < limit || time.Since(start) >= within {
			return v, time.Since(start)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
