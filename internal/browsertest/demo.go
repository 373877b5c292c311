// Package browsertest drives the real product in a real browser: it builds
// the tracer binary, starts `tracer demo` on a free 127.0.0.1 port with an
// embedded store in a temporary directory, waits until it is ready, and
// opens pages in headless chromium (Debian's /usr/bin/chromium, or the
// binary EVENTSCOPE_CHROMIUM names; never a downloaded one) through
// chromedp. Without chromium a test fails when CI=true and is skipped
// loudly otherwise. Screenshots go to testdata/screenshots/ of the test's
// package (gitignored) for people to look at.
package browsertest

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

// buildTracer builds cmd/tracer once per test binary.
var buildTracer = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	dir, err := os.MkdirTemp("", "browsertest-")
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

// Demo is a running `tracer demo`.
type Demo struct {
	// URL is where it serves, e.g. http://127.0.0.1:41234.
	URL  string
	cmd  *exec.Cmd
	done chan error
	mu   sync.Mutex
	logs strings.Builder
}

// StartDemo builds the binary (once), starts `tracer demo` with args plus
// --http-addr 127.0.0.1:0 and an embedded store in t's temporary
// directory, waits for the URL it prints and for /readyz, and stops it
// with SIGTERM when t ends (failing t when it does not exit cleanly).
func StartDemo(t testing.TB, args ...string) *Demo {
	t.Helper()
	bin, err := buildTracer()
	if err != nil {
		t.Fatal(err)
	}
	args = append([]string{"demo", "--http-addr", "127.0.0.1:0", "--store", "sqlite://" + filepath.Join(t.TempDir(), "events.db")}, args...)
	d := &Demo{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	d.cmd.Env = append(os.Environ(), "TRACER_LOG_LEVEL=info")
	d.cmd.Stderr = logWriter{d}
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "eventscope demo: open "); ok {
				urls <- u
			}
		}
		d.done <- d.cmd.Wait()
	}()
	t.Cleanup(func() { d.stop(t) })
	select {
	case d.URL = <-urls:
	case err := <-d.done:
		d.done <- err
		t.Fatalf("tracer demo exited before serving: %v\n%s", err, d.Logs())
	case <-time.After(90 * time.Second):
		t.Fatalf("tracer demo printed no URL within 90s\n%s", d.Logs())
	}
	d.waitReady(t, 60*time.Second)
	return d
}

// Logs returns what the demo wrote to stderr so far.
func (d *Demo) Logs() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.logs.String()
}

type logWriter struct{ d *Demo }

func (w logWriter) Write(b []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	return w.d.logs.Write(b)
}

// waitReady polls /readyz until it answers 200.
func (d *Demo) waitReady(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		if err == nil && resp.StatusCode == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz not ready within %s (last: %v)\n%s", d.URL, within, err, d.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (d *Demo) stop(t testing.TB) {
	if d.cmd.Process == nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		if err != nil {
			t.Errorf("tracer demo did not exit cleanly after SIGTERM: %v\n%s", err, d.Logs())
		}
	case <-time.After(30 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
		t.Errorf("tracer demo still running 30s after SIGTERM\n%s", d.Logs())
	}
	if t.Failed() {
		t.Logf("tracer demo logs:\n%s", d.Logs())
	}
}
