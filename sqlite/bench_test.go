package sqlite

// Benchmarks of the embedded store. The read benchmarks share one store
// pre-loaded with EVENTSCOPE_BENCH_EVENTS events (default 20000, so that
// `go test -bench .` stays quick); EVENTSCOPE_BENCH_DB names a file to
// load into or reuse (default: a temporary file). The figure quoted in
// docs/PERFORMANCE.md is
//
//	EVENTSCOPE_BENCH_EVENTS=1000000 EVENTSCOPE_BENCH_DB=/tmp/es-bench-1m.db \
//	  go test ./sqlite -run '^$' -bench . -benchtime 2000x -timeout 30m

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

const (
	benchBatch   = 1000
	benchPerFlow = 20
	benchBlock   = 2 * benchBatch // flows of a block interleave over two batches
)

var benchBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// benchEvents returns the batch-th batch of the synthetic workload: blocks
// of 100 concurrent flows of 20 events each (a causal chain over five
// services and topics), with three headers and a 300-byte JSON payload.
func benchEvents(batch int) []event.Event {
	evs := make([]event.Event, benchBatch)
	flowsPerBlock := benchBlock / benchPerFlow
	for j := range evs {
		i := batch*benchBatch + j // global event number
		block, k := i/benchBlock, i%benchBlock
		step, f := k/flowsPerBlock, k%flowsPerBlock
		flow := fmt.Sprintf("flow-%08d", block*flowsPerBlock+f)
		id := flow + "-" + strconv.Itoa(step)
		cause := ""
		if step > 0 {
			cause = flow + "-" + strconv.Itoa(step-1)
		}
		svc := step % 5
		t := benchBase.Add(time.Duration(block)*2*time.Second + time.Duration(step)*100*time.Millisecond + time.Duration(f)*time.Millisecond)
		head := fmt.Sprintf(`{"order_id":%q,"step":%d,"items":[{"sku":"pizza-%d","qty":%d}],"note":"`, flow, step, i%37, 1+i%3)
		payload := []byte(head + strings.Repeat("x", max(0, 300-len(head)-2)) + `"}`)
		evs[j] = event.Event{
			EventID: id, CorrelationID: flow, CausationID: cause,
			Type: fmt.Sprintf("Type%d", step%8), Source: fmt.Sprintf("service-%d", svc), Time: t,
			Topic: fmt.Sprintf("topic-%d", svc), Partition: int32(f % 6), Offset: int64(i), Key: flow,
			KafkaTime: t, IngestedAt: t.Add(5 * time.Millisecond),
			Headers: []event.Header{{Key: "ce_id", Value: id}, {Key: "ce_type", Value: "Type"}, {Key: "correlation-id", Value: flow}},
			Payload: payload, PayloadSize: len(payload), ContentType: "application/json", Convention: "cloudevents-binary",
		}
	}
	return evs
}

func benchSize(b *testing.B) int {
	n := 20000
	if v := os.Getenv("EVENTSCOPE_BENCH_EVENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < benchBlock {
			b.Fatalf("EVENTSCOPE_BENCH_EVENTS=%q: want a number >= %d", v, benchBlock)
		}
	}
	return n / benchBlock * benchBlock
}

var loaded struct {
	sync.Mutex
	s *Store
	n int
}

// loadedStore returns the shared pre-loaded store of benchSize events.
func loadedStore(b *testing.B) (*Store, int) {
	loaded.Lock()
	defer loaded.Unlock()
	if loaded.s != nil {
		return loaded.s, loaded.n
	}
	n := benchSize(b)
	path := os.Getenv("EVENTSCOPE_BENCH_DB")
	if path == "" {
		dir, err := os.MkdirTemp("", "eventscope-bench-")
		if err != nil {
			b.Fatal(err)
		}
		path = filepath.Join(dir, "events.db")
	}
	ctx := context.Background()
	s, err := Open(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for batch := int(st.Events) / benchBatch; batch < n/benchBatch; batch++ {
		if err := s.Write(ctx, benchEvents(batch)); err != nil {
			b.Fatal(err)
		}
	}
	if added := n - int(st.Events); added > 0 {
		d := time.Since(start)
		b.Logf("loaded %d events into %s in %v: %.0f events/s", added, path, d.Round(time.Millisecond), float64(added)/d.Seconds())
	}
	loaded.s, loaded.n = s, n
	return s, n
}

// BenchmarkWrite writes batches of 1000 new events into an empty store.
func BenchmarkWrite(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "events.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := 0
	for b.Loop() {
		if err := s.Write(b.Context(), benchEvents(batch)); err != nil {
			b.Fatal(err)
		}
		batch++
	}
	b.ReportMetric(float64(batch*benchBatch)/b.Elapsed().Seconds(), "events/s")
}

// latencies runs op b.N times and reports p50 and p99 in microseconds.
func latencies(b *testing.B, op func(i int) error) {
	var ds []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		i++
	}
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

func BenchmarkFlow(b *testing.B) {
	s, n := loadedStore(b)
	rng := rand.New(rand.NewPCG(1, 1))
	latencies(b, func(int) error {
		evs, err := s.Flow(b.Context(), fmt.Sprintf("flow-%08d", rng.IntN(n/benchPerFlow)))
		if err == nil && len(evs) != benchPerFlow {
			err = fmt.Errorf("flow has %d events", len(evs))
		}
		return err
	})
}

func BenchmarkEventByID(b *testing.B) {
	s, n := loadedStore(b)
	rng := rand.New(rand.NewPCG(2, 2))
	latencies(b, func(int) error {
		_, err := s.EventsByID(b.Context(), fmt.Sprintf("flow-%08d-%d", rng.IntN(n/benchPerFlow), rng.IntN(benchPerFlow)))
		return err
	})
}

// BenchmarkRecentFlows lists the first page of 50 recent flows (the
// dashboard and /api/flows without a query).
func BenchmarkRecentFlows(b *testing.B) {
	s, _ := loadedStore(b)
	latencies(b, func(int) error {
		p, err := s.Flows(b.Context(), store.FlowQuery{})
		if err == nil && len(p.Flows) != store.DefaultLimit {
			err = fmt.Errorf("page has %d flows", len(p.Flows))
		}
		return err
	})
}

// BenchmarkSearchType lists recent flows with an event of a given type: a
// term that most flows match, so the scan stops early.
func BenchmarkSearchType(b *testing.B) {
	s, _ := loadedStore(b)
	q := store.FlowQuery{Terms: []store.Term{{Field: store.FieldType, Value: "Type3"}}}
	latencies(b, func(int) error {
		_, err := s.Flows(b.Context(), q)
		return err
	})
}

// BenchmarkSearchID lists the flows an event ID names (the search box with
// a pasted ID): a rare value, found through the indexes.
func BenchmarkSearchID(b *testing.B) {
	s, n := loadedStore(b)
	rng := rand.New(rand.NewPCG(3, 3))
	latencies(b, func(int) error {
		id := fmt.Sprintf("flow-%08d-%d", rng.IntN(n/benchPerFlow), rng.IntN(benchPerFlow))
		p, err := s.Flows(b.Context(), store.FlowQuery{Terms: []store.Term{{Field: store.FieldID, Value: id}}})
		if err == nil && len(p.Flows) != 1 {
			err = fmt.Errorf("ID %s: %d flows", id, len(p.Flows))
		}
		return err
	})
}
