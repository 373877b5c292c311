package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// page is one page or API call the HTTP run measures: path returns the
// URL path (with query) of one request, from random known IDs.
type page struct {
	name, target string
	path         func(r *rand.Rand) string
	byID         bool // looks up random known IDs: measured -requests times, others -page-requests
}

// pages lists every page and API the issue names, each with its target.
func pages(k *known) []page {
	pick := func(xs []string, r *rand.Rand) string { return url.PathEscape(xs[r.IntN(len(xs))]) }
	search := func(q string) func(*rand.Rand) string {
		return func(*rand.Rand) string { return "/api/flows?q=" + url.QueryEscape(q) }
	}
	ps := []page{
		{"flow page /flows/{id}", "p99 < 50 ms", func(r *rand.Rand) string { return "/flows/" + pick(k.flows, r) }, true},
		{"flow API /api/flows/{id}", "p99 < 50 ms", func(r *rand.Rand) string { return "/api/flows/" + pick(k.flows, r) }, true},
		{"event API /api/events/{id}", "p99 < 20 ms", func(r *rand.Rand) string { return "/api/events/" + pick(k.events, r) }, true},
		{"event page /events/{id}", "p99 < 20 ms", func(r *rand.Rand) string { return "/events/" + pick(k.events, r) }, true},
		{"dashboard /", "p99 < 300 ms", func(*rand.Rand) string { return "/" }, false},
		{"stats /api/stats", "p99 < 300 ms", func(*rand.Rand) string { return "/api/stats" }, false},
		{"recent flows /api/flows", "p99 < 300 ms", func(*rand.Rand) string { return "/api/flows" }, false},
		{"search page /search?q=type:X", "p99 < 300 ms", func(*rand.Rand) string { return "/search?q=type%3AMealPrepared" }, false},
		{"id:<event ID>", "p99 < 300 ms", func(r *rand.Rand) string {
			return "/api/flows?q=id%3A" + url.QueryEscape(k.events[r.IntN(len(k.events))])
		}, true},
		{"key:<key>", "p99 < 300 ms", func(r *rand.Rand) string {
			return "/api/flows?q=key%3A" + url.QueryEscape(k.keys[r.IntN(len(k.keys))])
		}, true},
		{"type:X", "p99 < 300 ms", search("type:PaymentAuthorized"), false},
		{"source:X", "p99 < 300 ms", search("source:kitchen-service"), false},
		{"topic:X", "p99 < 300 ms", search("topic:delivery"), false},
	}
	for _, kind := range []string{"duplicate", "orphan", "out_of_order", "dead_letter"} {
		ps = append(ps, page{"anomaly:" + kind, "p99 < 300 ms", search("anomaly:" + kind), false})
	}
	ps = append(ps,
		page{"anomaly:orphan after:-24h", "p99 < 300 ms", search("anomaly:orphan after:-24h"), false},
		page{"status:failed after:-24h", "p99 < 300 ms", search("status:failed after:-24h"), false},
		page{"status:ok", "p99 < 300 ms", search("status:ok"), false},
		page{"anomaly:cycle (no flow has it)", "p99 < 300 ms", search("anomaly:cycle"), false},
		page{"status:failed type:X", "p99 < 300 ms", search("status:failed type:PaymentAuthorized"), false},
		page{"id:<absent>", "p99 < 300 ms", func(r *rand.Rand) string { return "/api/flows?q=id%3Anone-" + fmt.Sprint(r.Int()) }, true},
		page{"key:<absent>", "p99 < 300 ms", func(r *rand.Rand) string { return "/api/flows?q=key%3Anone-" + fmt.Sprint(r.Int()) }, true},
		page{"type:<absent>", "p99 < 300 ms", search("type:NoSuchType"), false},
		page{"source:<absent>", "p99 < 300 ms", search("source:no-such-service"), false},
		page{"topic:<absent>", "p99 < 300 ms", search("topic:no-such-topic"), false},
		page{"type:X -type:Y (negated)", "p99 < 300 ms", search("type:MealPrepared -type:InvoiceIssued"), false},
		page{"failures inbox /api/failures", "p99 < 300 ms", func(*rand.Rand) string { return "/api/failures" }, false},
		page{"failures inbox /failures?state=stuck", "p99 < 300 ms", func(*rand.Rand) string { return "/failures?state=stuck" }, false},
		page{"service map /services", "< 1 s", func(*rand.Rand) string { return "/services" }, false},
		page{"service map /api/services", "< 1 s", func(*rand.Rand) string { return "/api/services" }, false},
	)
	ps = append(ps, payloadPages(k)...) // issue 23, payload.go
	return ps
}

// server is a tracer serving the bench database over HTTP.
type server struct {
	cmd  *exec.Cmd
	base string
}

// startServer runs `tracer serve` on a free 127.0.0.1 port against the
// store DSN, reading no topic of the Kafka broker, with no search rate
// limit (the bench is one client address), until it is ready.
func startServer(ctx context.Context, tracer, dsn, brokers string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.CommandContext(ctx, tracer, "serve", "--store", dsn, "--http-addr", addr, "--brokers", brokers,
		"--topics", "^eventscope-bench-reads-nothing$", "--group-id", "eventscope-bench-reads", "--group-poll", "0",
		"--log-level", "warn", "--search-rate", "-1")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start tracer: %w", err)
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("tracer at %s not healthy after 2 minutes: %v", addr, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// result is one page measured with some number of clients.
type result struct {
	n, errs5xx, other  int
	p50, p95, p99, max time.Duration
	firstErr           string
}

// measureHTTP requests p n times with clients concurrent clients.
func measureHTTP(client *http.Client, base string, p page, n, clients int, seed uint64) result {
	var mu sync.Mutex
	var ds []time.Duration
	var res result
	var wg sync.WaitGroup
	per := (n + clients - 1) / clients
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			for range per {
				u := base + p.path(r)
				t := time.Now()
				resp, err := client.Get(u)
				var code int
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				d := time.Since(t)
				mu.Lock()
				ds = append(ds, d)
				switch {
				case err != nil:
					res.other++
					if res.firstErr == "" {
						res.firstErr = err.Error()
					}
				case code >= 500:
					res.errs5xx++
					if res.firstErr == "" {
						res.firstErr = fmt.Sprintf("%d on %s", code, u)
					}
				case code >= 400:
					res.other++
					if res.firstErr == "" {
						res.firstErr = fmt.Sprintf("%d on %s", code, u)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(ds)
	pct := func(q float64) time.Duration { return ds[min(len(ds)-1, int(float64(len(ds))*q))] }
	res.n, res.p50, res.p95, res.p99, res.max = len(ds), pct(0.50), pct(0.95), pct(0.99), ds[len(ds)-1]
	return res
}

// httpReads measures every page sequentially and with clients concurrent
// clients, printing one table row per page.
func httpReads(base string, k *known, n, nPage, clients int) {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	fmt.Printf("\n%-32s %-13s %6s | %-32s | %-32s | %s\n", "page / API", "target", "n", "sequential p50 / p95 / p99 ms",
		fmt.Sprintf("%d clients p50 / p95 / p99 ms", clients), "5xx (other errors)")
	fmt.Println(strings.Repeat("-", 140))
	for i, p := range pages(k) {
		if !measured(p) {
			continue
		}
		m := nPage
		if p.byID {
			m = n
		}
		seq := measureHTTP(client, base, p, m, 1, uint64(i))
		con := measureHTTP(client, base, p, m, clients, uint64(i)+1000)
		errs := fmt.Sprintf("%d (%d)", seq.errs5xx+con.errs5xx, seq.other+con.other)
		if seq.firstErr != "" || con.firstErr != "" {
			errs += " first: " + seq.firstErr + con.firstErr
		}
		fmt.Printf("%-32s %-13s %6d | %9.1f %9.1f %9.1f %s | %9.1f %9.1f %9.1f %s | %s\n", p.name, p.target, seq.n,
			ms(seq.p50), ms(seq.p95), ms(seq.p99), miss(p.target, seq.p99),
			ms(con.p50), ms(con.p95), ms(con.p99), miss(p.target, con.p99), errs)
	}
}

// miss marks a p99 above the target's bound.
func miss(target string, p99 time.Duration) string {
	var v float64
	var unit string
	if _, err := fmt.Sscanf(strings.TrimLeft(target, "p9 <"), "%g %s", &v, &unit); err != nil {
		return " "
	}
	bound := time.Duration(v * float64(time.Millisecond))
	if unit == "s" {
		bound = time.Duration(v * float64(time.Second))
	}
	if p99 > bound {
		return "!"
	}
	return " "
}
