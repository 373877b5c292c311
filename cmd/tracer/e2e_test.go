package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildTracer builds the real binary once per test binary run.
var buildTracer = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tracer-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "tracer")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// proc is a running tracer binary.
type proc struct {
	cmd  *exec.Cmd
	url  string
	done chan error
	logs *strings.Builder
	mu   sync.Mutex
}

// startTracer starts the binary with args plus --http-addr 127.0.0.1:0 and
// waits until it prints the URL it serves on.
func startTracer(t *testing.T, args ...string) *proc {
	t.Helper()
	bin, err := buildTracer()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(args, "--http-addr", "127.0.0.1:0")...)
	cmd.Env = append(os.Environ(), "TRACER_LOG_LEVEL=info")
	stdout, _ := cmd.StdoutPipe()
	p := &proc{cmd: cmd, done: make(chan error, 1), logs: &strings.Builder{}}
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.logs.Write(b)
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			for _, prefix := range []string{"eventscope demo: open ", "eventscope serve: open "} {
				if u, ok := strings.CutPrefix(sc.Text(), prefix); ok {
					urls <- u
				}
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("tracer logs:\n%s", p.Logs())
		}
	})
	select {
	case p.url = <-urls:
	case err := <-p.done:
		t.Fatalf("tracer exited before serving: %v\n%s", err, p.Logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("tracer did not print its URL within 60s\n%s", p.Logs())
	}
	return p
}

func (p *proc) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// stop sends SIGTERM and requires a clean exit within the deadline.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("tracer did not exit cleanly after SIGTERM: %v\n%s", err, p.Logs())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("tracer still running 30s after SIGTERM\n%s", p.Logs())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// getJSON fetches path and decodes it into v, returning the status code.
func getJSON(t *testing.T, base, path string, v any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: bad JSON: %v\n%s", path, err, body)
		}
	}
	return resp.StatusCode
}

// poll calls f until it returns true or the deadline passes.
func poll(t *testing.T, within time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type apiFlows struct {
	Flows []struct {
		CorrelationID string    `json:"correlation_id"`
		EventCount    int       `json:"event_count"`
		FirstTime     time.Time `json:"first_time"`
		Types         []string  `json:"types"`
	} `json:"flows"`
}

type apiFlow struct {
	CorrelationID string `json:"correlation_id"`
	Events        []struct {
		EventID       string `json:"event_id"`
		CorrelationID string `json:"correlation_id"`
		CausationID   string `json:"causation_id"`
		Type          string `json:"type"`
	} `json:"events"`
	Edges []struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"edges"`
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo test skipped in -short mode")
	}
	storeDSN := "sqlite://" + filepath.Join(t.TempDir(), "events.db")
	p := startTracer(t, "demo", "--store", storeDSN, "--rate", "20")

	poll(t, 30*time.Second, "/readyz to answer 200", func() bool {
		return getJSON(t, p.url, "/readyz", nil) == 200
	})
	var failed string
	var flows apiFlows
	poll(t, 60*time.Second, "at least 5 flows and one with PaymentFailed and OrderCancelled", func() bool {
		if getJSON(t, p.url, "/api/flows?limit=200", &flows) != 200 {
			return false
		}
		for _, f := range flows.Flows {
			if contains(f.Types, "PaymentFailed") && contains(f.Types, "OrderCancelled") {
				failed = f.CorrelationID
			}
		}
		return len(flows.Flows) >= 5 && failed != ""
	})

	// Every edge of a flow joins two events of that flow.
	for _, f := range flows.Flows[:5] {
		var fl apiFlow
		if code := getJSON(t, p.url, "/api/flows/"+url.PathEscape(f.CorrelationID), &fl); code != 200 {
			t.Fatalf("GET flow %s: status %d", f.CorrelationID, code)
		}
		ids := map[string]bool{}
		for _, e := range fl.Events {
			ids[e.EventID] = true
		}
		for _, e := range fl.Edges {
			if !ids[e.From] || !ids[e.To] {
				t.Errorf("flow %s: edge %s -> %s leaves the flow", f.CorrelationID, e.From, e.To)
			}
		}
	}

	// The compensation: OrderCancelled is caused by PaymentFailed.
	var fl apiFlow
	getJSON(t, p.url, "/api/flows/"+url.PathEscape(failed), &fl)
	byID := map[string]string{}
	for _, e := range fl.Events {
		byID[e.EventID] = e.Type
	}
	compensated := false
	for _, e := range fl.Events {
		if e.Type == "OrderCancelled" && byID[e.CausationID] == "PaymentFailed" {
			compensated = true
		}
	}
	if !compensated {
		t.Errorf("flow %s has no OrderCancelled caused by its PaymentFailed: %+v", failed, fl.Events)
	}
	// Pages are compressed for clients that ask.
	req, _ := http.NewRequest("GET", p.url+"/flows/"+url.PathEscape(failed), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("flow page with Accept-Encoding: gzip: status %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	p.stop(t)

	// A second start on the same store keeps the earlier flows.
	restarted := time.Now()
	p2 := startTracer(t, "demo", "--store", storeDSN, "--rate", "1")
	if code := getJSON(t, p2.url, "/api/flows/"+url.PathEscape(failed), &fl); code != 200 || len(fl.Events) == 0 {
		t.Errorf("after restart, flow %s: status %d, %d events", failed, code, len(fl.Events))
	}
	// ...and stores the new run's events although the new embedded broker
	// hands out the same offsets again.
	poll(t, 30*time.Second, "a flow of the second run with its OrderPlaced", func() bool {
		var now apiFlows
		getJSON(t, p2.url, "/api/flows?limit=20", &now)
		for _, f := range now.Flows {
			if f.FirstTime.After(restarted) && contains(f.Types, "OrderPlaced") {
				return true
			}
		}
		return false
	})
	p2.stop(t)
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
