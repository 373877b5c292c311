package clickhouse

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store/storetest"
)

// privateServer runs scripts/clickhouse with its own state directory, so a
// test can kill and restart a server nobody else uses.
type privateServer struct {
	t   *testing.T
	dir string
}

func startPrivateServer(t *testing.T) (*privateServer, string) {
	t.Helper()
	if _, err := exec.LookPath("clickhouse-server"); err != nil {
		if _, err := os.Stat("/usr/sbin/clickhouse-server"); err != nil {
			msg := "clickhouse-server is not installed: SKIPPING the server restart test " +
				"(scripts/clickhouse start installs it)"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	// Not t.TempDir: the server must be stopped before its files go.
	dir, err := os.MkdirTemp("", "eventscope-ch-restart-")
	if err != nil {
		t.Fatal(err)
	}
	p := &privateServer{t: t, dir: filepath.Join(dir, "server")}
	t.Cleanup(func() {
		p.run("stop")
		os.RemoveAll(dir)
	})
	out := p.run("start")
	_, dsn, ok := strings.Cut(strings.TrimSpace(out), "=")
	if !ok {
		t.Fatalf("scripts/clickhouse start printed %q, want NAME=DSN", out)
	}
	return p, dsn
}

func (p *privateServer) run(arg string) string {
	p.t.Helper()
	cmd := exec.Command("../scripts/clickhouse", arg)
	cmd.Env = append(os.Environ(), "EVENTSCOPE_CLICKHOUSE_DIR="+p.dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		p.t.Fatalf("scripts/clickhouse %s: %v\n%s", arg, err, stderr.String())
	}
	return string(out)
}

// kill stops the server the hard way, as a crash or an OOM kill would.
func (p *privateServer) kill() {
	p.t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, "pid"))
	if err != nil {
		p.t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
}

// TestServerKilledDuringWrite kills the server while writes are running:
// the write in flight must fail (never succeed silently), every write that
// succeeded must be readable after a restart, and the same Store must
// write again once the server is back.
func TestServerKilledDuringWrite(t *testing.T) {
	srv, dsn := startPrivateServer(t)
	dsn += "?dial_timeout=2s"
	u := strings.Replace(dsn, "/default?", "/restart_test?", 1)
	if err := Migrate(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), u, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	type result struct {
		flows []string
		err   error
	}
	results := make(chan result)
	stop := make(chan struct{})
	go func() { // writes batches of 200 flows until told to stop
		defer close(results)
		for b := 0; ; b++ {
			g := storetest.NewGen(storetest.Base)
			var evs []event.Event
			var flows []string
			for f := range 200 {
				id := fmt.Sprintf("b%d-f%d", b, f)
				flows = append(flows, id)
				evs = append(evs, g.Chain(fmt.Sprintf("t%d", b), id, 10, 0, time.Millisecond)...)
			}
			err := s.Write(t.Context(), evs)
			select {
			case results <- result{flows, err}:
			case <-stop:
				return
			}
		}
	}()
	var acked []string
	for range 3 {
		r := <-results
		if r.err != nil {
			t.Fatalf("write before the kill: %v", r.err)
		}
		acked = append(acked, r.flows...)
	}
	srv.kill() // the writer is in its next Write now, or about to be
	failed := false
	for r := range results {
		if r.err != nil {
			failed = true
			break
		}
		acked = append(acked, r.flows...)
	}
	close(stop)
	if !failed {
		t.Fatal("no write failed after the server was killed")
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping succeeded with the server killed")
	}

	srv.run("start")
	// The pool still holds dead connections: the first writes may fail.
	again := []event.Event{storetest.MakeEvent("after", 0, 0, "after-1", "after", "", storetest.Base)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.Write(t.Context(), again)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("write after restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // polling with a deadline
	}
	for _, id := range append(acked, "after") {
		if _, err := s.Flow(t.Context(), id); err != nil {
			t.Fatalf("acknowledged flow %s after restart: %v", id, err)
		}
	}
	t.Logf("%d acknowledged flows survived the kill", len(acked))
}
