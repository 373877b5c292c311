// Package tracerproc runs the real tracer binary for end-to-end tests, as
// Jaeger's do: it builds cmd/tracer once per test binary, starts it on a
// free 127.0.0.1 port, waits for the URL it prints (and, on request, for
// /readyz), and stops it with SIGTERM, failing the test unless it exits
// cleanly. cmd/tracer's end-to-end tests and internal/browsertest share it.
package tracerproc

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build builds cmd/tracer (once per test binary) and returns the binary's
// path.
var Build = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	dir, err := os.MkdirTemp("", "tracer-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "tracer")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tracer")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/tracer: %w\n%s", err, out)
	}
	return bin, nil
})

// Timeouts of a run.
const (
	startTimeout = 90 * time.Second // build excluded: until the URL is printed
	stopTimeout  = 30 * time.Second // from SIGTERM to exit
)

// Proc is a running tracer.
type Proc struct {
	// URL is where it serves, e.g. http://127.0.0.1:41234.
	URL string

	cmd      *exec.Cmd
	done     chan struct{} // closed once the process exited; err is set then
	err      error
	stopOnce sync.Once
	mu       sync.Mutex
	logs     strings.Builder
}

// Start builds the binary (once) and runs `tracer args... --http-addr
// 127.0.0.1:0` with TRACER_LOG_LEVEL=info, and returns once it printed the
// URL it serves on ("eventscope <command>: open URL"). When t ends the
// process is stopped as by Stop, and its logs are shown if t failed.
func Start(t testing.TB, args ...string) *Proc {
	t.Helper()
	bin, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	p := &Proc{cmd: exec.Command(bin, append(args, "--http-addr", "127.0.0.1:0")...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "TRACER_LOG_LEVEL=info")
	p.cmd.Stderr = logWriter{p}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), ": open "); ok && strings.HasPrefix(sc.Text(), "eventscope ") {
				select {
				case urls <- u:
				default:
				}
			}
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Stop(t)
		if t.Failed() {
			t.Logf("tracer logs:\n%s", p.Logs())
		}
	})
	select {
	case p.URL = <-urls:
	case <-p.done:
		t.Fatalf("tracer exited before serving: %v\n%s", p.err, p.Logs())
	case <-time.After(startTimeout):
		t.Fatalf("tracer printed no URL within %s\n%s", startTimeout, p.Logs())
	}
	return p
}

// Logs returns what the tracer wrote to stderr so far.
func (p *Proc) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

type logWriter struct{ p *Proc }

func (w logWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.logs.Write(b)
}

// WaitReady polls /readyz until it answers 200, failing t after within.
func (p *Proc) WaitReady(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		if err == nil && resp.StatusCode == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz not ready within %s (last: %v)\n%s", p.URL, within, err, p.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop sends SIGTERM and fails t unless the tracer exits cleanly within
// stopTimeout (it is killed then). Only the first call does anything.
func (p *Proc) Stop(t testing.TB) {
	t.Helper()
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			if p.err != nil {
				t.Errorf("tracer exited on its own: %v\n%s", p.err, p.Logs())
			}
			return
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
			if p.err != nil {
				t.Errorf("tracer did not exit cleanly after SIGTERM: %v\n%s", p.err, p.Logs())
			}
		case <-time.After(stopTimeout):
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Errorf("tracer still running %s after SIGTERM\n%s", stopTimeout, p.Logs())
		}
	})
}

// PID is the process ID of the running tracer (for RSS measurements).
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Kill sends SIGKILL (a crash, no flush, no offset commit) and waits until
// the process is gone; the end of the test then expects nothing of it.
func (p *Proc) Kill(t testing.TB) {
	t.Helper()
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
}
