package ingest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
)

// Environment of the child process of TestIngestSurvivesSIGKILL.
const (
	envChild   = "EVENTSCOPE_INGEST_CHILD"
	envBrokers = "EVENTSCOPE_INGEST_CHILD_BROKERS"
	envGroup   = "EVENTSCOPE_INGEST_CHILD_GROUP"
	envBase    = "EVENTSCOPE_INGEST_CHILD_BASE"
	envFile    = "EVENTSCOPE_INGEST_CHILD_FILE"
	envReady   = "EVENTSCOPE_INGEST_CHILD_READY"
)

// fileStore appends "topic partition offset" lines to a file, one write per
// batch: what a killed process wrote survives it. It fails every 7th call.
type fileStore struct {
	mu    sync.Mutex
	f     *os.File
	calls int
}

func (s *fileStore) Write(_ context.Context, evs []event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls%7 == 0 {
		return fmt.Errorf("injected failure of write call %d", s.calls)
	}
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s %d %d\n", e.Topic, e.Partition, e.Offset)
	}
	_, err := s.f.WriteString(b.String())
	return err
}

// TestIngestChildProcess is the ingesting process of
// TestIngestSurvivesSIGKILL; it does nothing when run directly.
func TestIngestChildProcess(t *testing.T) {
	if os.Getenv(envChild) != "1" {
		t.Skip("child process of TestIngestSurvivesSIGKILL")
	}
	f, err := os.OpenFile(os.Getenv(envFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg := testConfig(strings.Split(os.Getenv(envBrokers), ","), os.Getenv(envGroup), os.Getenv(envBase))
	// Static membership: a restarted process takes its killed
	// predecessor's place at once instead of after the session timeout.
	cfg.Sarama.Consumer.Group.InstanceId = "crash-test-child"
	in, err := New(cfg, &fileStore{f: f}, nil, testLog(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := os.WriteFile(os.Getenv(envReady), nil, 0o644); err != nil { // SIGTERM now stops Run
		t.Fatal(err)
	}
	if err := in.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestIngestSurvivesSIGKILL produces records over 6 topics x 3 partitions
// while the ingesting process (whose store fails every 7th write) is killed
// with SIGKILL three times at random moments and restarted, and a second
// ingester joins the group after the first kill and leaves after the second.
// After a final clean stop the store holds every record (repeats are
// idempotent) and the committed offsets are the high watermarks.
// EVENTSCOPE_INGEST_CRASH_RECORDS sets the record count (default 6000; the
// issue's full check is 100000).
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	checkNoLeaks(t)
	total := 6000
	if v, err := strconv.Atoi(os.Getenv("EVENTSCOPE_INGEST_CRASH_RECORDS")); err == nil && v > 0 {
		total = v
	}
	c := newCluster(t)
	base := kafkatest.Name(t, "ing")
	group := kafkatest.Name(t, "grp")
	var topics []string
	for i := range 6 {
		topics = append(topics, fmt.Sprintf("%s-%d", base, i))
		c.createTopic(t, topics[i], 3, nil)
	}
	perTopic := total / len(topics)
	total = perTopic * len(topics)
	dir := t.TempDir()
	file := dir + "/stored.txt"
	stored := func() int { return len(readStored(t, file)) }

	var mu sync.Mutex
	var want []coord
	var prodWG sync.WaitGroup
	prodWG.Go(func() {
		for first := 0; first < perTopic; first += 100 {
			for _, tp := range topics {
				msgs := records(tp, 3, first, min(100, perTopic-first))
				if err := c.prod.SendMessages(msgs); err != nil {
					t.Errorf("produce: %v", err)
					return
				}
				mu.Lock()
				for _, m := range msgs {
					want = append(want, coord{m.Topic, m.Partition, m.Offset})
				}
				mu.Unlock()
			}
		}
	})

	var second *member
	for kill := range 4 {
		logf := fmt.Sprintf("%s/child-%d.log", dir, kill)
		cmd := startChild(t, c.addrs, group, base, file, logf)
		switch kill {
		case 1:
			second = startMember(t, testConfig(c.addrs, group, base), file)
		case 2:
			if err := second.stop(); err != nil {
				t.Errorf("second member: %v", err)
			}
			t.Logf("second member left having stored %d records", second.in.Stats().Stored)
		case 3: // the last child runs to the end and stops cleanly
			prodWG.Wait()
			eventually(t, 30*time.Second, "final child handling SIGTERM", func() bool {
				_, err := os.Stat(logf + ".ready")
				return err == nil
			})
			eventually(t, 120*time.Second, "every record stored and committed", func() bool {
				gaps, err := c.commitGaps(group, topics...)
				return err == nil && len(gaps) == 0 && stored() == total
			})
			_ = cmd.Process.Signal(syscall.SIGTERM)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("final child: %v\n%s", err, tail(logf))
			}
			continue
		}
		target := min(stored()+total/60+rand.IntN(total/8), total)
		eventually(t, 120*time.Second, fmt.Sprintf("child %d storing %d records", kill, target), func() bool {
			return stored() >= target
		})
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Logf("killed child %d with %d records stored", kill, stored())
	}

	got := readStored(t, file)
	repeats := 0
	for _, n := range got {
		repeats += n - 1
	}
	missing := 0
	for _, w := range want {
		if got[w] == 0 {
			missing++
		}
	}
	if missing > 0 || len(got) != len(want) {
		t.Errorf("stored %d distinct records, want %d (%d missing)", len(got), len(want), missing)
	}
	t.Logf("%d records, %d redelivered after the kills (idempotent)", len(want), repeats)
	c.checkCommitted(t, group, topics...)
}

// member is an in-process Ingester appending to the crash test's file.
type member struct {
	in     *Ingester
	f      *os.File
	cancel context.CancelFunc
	done   chan error
}

func startMember(t *testing.T, cfg Config, file string) *member {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(cfg, &fileStore{f: f}, nil, testLog(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{in: in, f: f, cancel: cancel, done: make(chan error, 1)}
	go func() { m.done <- in.Run(ctx) }()
	return m
}

func (m *member) stop() error {
	m.cancel()
	err := <-m.done
	m.f.Close()
	return err
}

func startChild(t *testing.T, addrs []string, group, base, file, logf string) *exec.Cmd {
	t.Helper()
	out, err := os.Create(logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd := exec.Command(os.Args[0], "-test.run=^TestIngestChildProcess$", "-test.v")
	cmd.Env = append(os.Environ(), envChild+"=1", envBrokers+"="+strings.Join(addrs, ","),
		envGroup+"="+group, envBase+"="+base, envFile+"="+file, envReady+"="+logf+".ready")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd
}

// readStored counts the stored lines per record; a torn last line is skipped.
func readStored(t *testing.T, file string) map[coord]int {
	t.Helper()
	out := map[coord]int{}
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		p, err1 := strconv.ParseInt(fs[1], 10, 32)
		o, err2 := strconv.ParseInt(fs[2], 10, 64)
		if err1 == nil && err2 == nil {
			out[coord{fs[0], int32(p), o}]++
		}
	}
	return out
}

func tail(file string) string {
	b, _ := os.ReadFile(file)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
