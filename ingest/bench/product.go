package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/IBM/sarama"
)

// tracerRun is one `tracer serve` process of the benchmark.
type tracerRun struct {
	cmd   *exec.Cmd
	addr  string
	group string
	done  chan struct{} // closed when the process has exited
}

// startTracer starts `tracer serve --from-beginning` on the run's topics
// with a new consumer group, storing into dsn, logging to logPath.
func startTracer(bin, dsn string, brokers []string, prefix, group, logPath string, extra []string) (*tracerRun, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--http-addr", addr, "--store", dsn, "--brokers", strings.Join(brokers, ","),
		"--group-id", group, "--topics", "^" + regexp.QuoteMeta(prefix), "--from-beginning", "--log-level", "warn"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start tracer: %w", err)
	}
	t := &tracerRun{cmd: cmd, addr: addr, group: group, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // its exit shows in done; its log says why
		logf.Close()
		close(t.done)
	}()
	return t, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitCommitted polls the group's committed offsets until they cover n
// records: the rate is that of the last 90% (as for the raw consumer).
// Offsets are committed every second after their batch is written, so
// both ends are late by up to a second.
func (t *tracerRun) waitCommitted(admin sarama.ClusterAdmin, names []string, n int, start time.Time, limit time.Duration) (result, error) {
	var t10 time.Time
	for {
		sum, err := committed(admin, t.group, names)
		if err != nil {
			return result{}, err
		}
		now := time.Now()
		if t10.IsZero() && sum >= int64(n/10) {
			t10 = now
		}
		if sum >= int64(n) {
			cpu, rss := procStats(t.cmd.Process.Pid)
			return result{n: n, steadyN: n - n/10, steady: now.Sub(t10), wall: now.Sub(start), cpu: cpu, rssMiB: rss}, nil
		}
		select {
		case <-t.done:
			return result{}, fmt.Errorf("tracer exited: %s", t.cmd.ProcessState)
		default:
		}
		if now.Sub(start) > limit {
			return result{}, fmt.Errorf("tracer committed %d of %d records in %s", sum, n, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop ends the tracer with SIGTERM (its graceful shutdown) and waits.
func (t *tracerRun) stop() {
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.done:
	case <-time.After(30 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.done
	}
}

// procStats returns the CPU time (user+sys) and peak RSS (VmHWM, MiB) of
// process pid.
func procStats(pid int) (time.Duration, float64) {
	var cpu time.Duration
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			cpu = time.Duration(u+st) * (time.Second / 100) // USER_HZ
		}
	}
	return cpu, vmHWM(fmt.Sprintf("/proc/%d/status", pid))
}

func vmHWM(path string) float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// freshness measures, while background records arrive at rate per second,
// how long a probe record takes from the producer's send to being served
// by GET /api/events/{id}: a probe is sent every interval (later while
// probesInFlight are not found yet) for dur.
func (t *tracerRun) freshness(brokers []string, prefix string, rate int, dur, interval time.Duration) ([]time.Duration, error) {
	cfg := sarama.NewConfig()
	cfg.Producer.RequiredAcks = sarama.WaitForLocal
	cfg.Producer.Return.Successes = true
	cfg.Producer.Flush.Frequency = time.Millisecond
	sp, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("probe producer: %w", err)
	}
	defer sp.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var bg sync.WaitGroup
	bg.Go(func() { background(ctx, sp, prefix, rate) })
	client := &http.Client{Timeout: 5 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	var errs []error
	var wg sync.WaitGroup
	wsum0, wn0 := t.writeStats(client)
	probes := generate(int(dur/interval), 1, uint64(time.Now().UnixNano()))
	tick := time.NewTicker(interval)
	defer tick.Stop()
	// At most probesInFlight probes are polled at once: a person looking
	// for a few records, not a herd that would slow the reads it times.
	inFlight := make(chan struct{}, probesInFlight)
	sent, end := 0, time.Now().Add(dur)
	for _, p := range probes {
		<-tick.C
		inFlight <- struct{}{}
		if sent > 0 && time.Now().After(end) {
			break
		}
		sent++
		t0 := time.Now()
		if _, _, err := sp.SendMessage(message(prefix, p)); err != nil {
			return nil, fmt.Errorf("probe: %w", err)
		}
		wg.Go(func() {
			defer func() { <-inFlight }()
			d, err := t.poll(client, p.eventID, t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			lat = append(lat, d)
		})
	}
	wg.Wait()
	wsum, wn := t.writeStats(client)
	var found []string
	for _, p := range probes[:min(sent, 50)] {
		found = append(found, p.eventID)
	}
	reads := t.readTimes(client, found)
	cancel()
	bg.Wait()
	if wn > wn0 && len(reads) > 0 {
		fmt.Printf("    while probed: %.0f writes, mean %.0f ms; a read of a stored event alone: p50 %s max %s (n=%d)\n",
			wn-wn0, (wsum-wsum0)/(wn-wn0)*1000, ms(pct(reads, 0.5)), ms(reads[len(reads)-1]), len(reads))
	}
	// A probe never served counts as the limit: the percentiles say so.
	for range errs {
		lat = append(lat, probeLimit)
	}
	if len(errs) > 0 {
		fmt.Printf("    %d of %d probes not served within %s: %v\n", len(errs), sent, probeLimit, errs[0])
	}
	slices.Sort(lat)
	return lat, nil
}

// poll asks for event id every 20 ms until the tracer serves it; a failed
// request (a timeout while the store is busy) is asked again.
func (t *tracerRun) poll(client *http.Client, id string, t0 time.Time) (time.Duration, error) {
	url := "http://" + t.addr + "/api/events/" + id
	var last error
	for time.Since(t0) < probeLimit {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0), nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("event %s not served after %s (last answer: %w)", id, probeLimit, last)
}

// probeLimit is how long a probe is looked for; probesInFlight how many
// are looked for at once.
const (
	probeLimit     = 30 * time.Second
	probesInFlight = 4
)

// background produces generated records at rate per second (in bursts
// every 20 ms) until ctx is done.
func background(ctx context.Context, sp sarama.SyncProducer, prefix string, rate int) {
	if rate <= 0 {
		return
	}
	per := max(1, rate/50)
	recs := generate(per*50*60, 20, 7)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i = (i + per) % (len(recs) - per) {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		msgs := make([]*sarama.ProducerMessage, per)
		for j := range msgs {
			msgs[j] = message(prefix, recs[i+j])
		}
		_ = sp.SendMessages(msgs) // a lost background record changes nothing measured
	}
}

// writeStats reads the tracer's write-duration histogram: total seconds
// and writes so far (the difference of two reads is the mean write time
// between them).
func (t *tracerRun) writeStats(client *http.Client) (sum float64, n float64) {
	resp, err := client.Get("http://" + t.addr + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, v, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch name {
		case "eventscope_ingest_write_duration_seconds_sum":
			sum = f
		case "eventscope_ingest_write_duration_seconds_count":
			n = f
		}
	}
	return sum, n
}

// readTimes asks once, one after the other, for events already served:
// how long a read alone takes, sorted.
func (t *tracerRun) readTimes(client *http.Client, ids []string) []time.Duration {
	var out []time.Duration
	for _, id := range ids {
		t0 := time.Now()
		resp, err := client.Get("http://" + t.addr + "/api/events/" + id)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			out = append(out, time.Since(t0))
		}
	}
	slices.Sort(out)
	return out
}
