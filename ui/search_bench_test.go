package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// Search benchmark on the embedded store, through the HTTP handlers: what a
// person waits for after pressing Search.
//
//	EVENTSCOPE_SEARCH_BENCH_EVENTS=1000000 EVENTSCOPE_SEARCH_BENCH_DB=/tmp/es-search-1m.db \
//	  go test ./ui -run '^$' -bench Search -benchtime 2000x -timeout 30m
//
// The file is loaded once (flows of 10 events, ~300-byte JSON payloads:
// benchPayload) and reused by later runs with the same path; without
// EVENTSCOPE_SEARCH_BENCH_DB a temporary file of 20k events is used.
// EVENTSCOPE_SEARCH_BENCH_INDEXES=text,fields opens it with the optional
// payload indexes (filling them on first use; "none" drops them).
const (
	envBenchEvents = "EVENTSCOPE_SEARCH_BENCH_EVENTS"
	envBenchDB     = "EVENTSCOPE_SEARCH_BENCH_DB"
	benchFlowSize  = 10
)

var benchTypes = []string{"OrderPlaced", "PaymentRequested", "PaymentAuthorized", "PizzaPrepared", "PizzaBoxed",
	"OutForDelivery", "OrderDelivered", "PointsAwarded", "PaymentFailed", "OrderCancelled"}

func benchStore(b *testing.B) (*sqlite.Store, int) {
	b.Helper()
	n := 20_000
	if s := os.Getenv(envBenchEvents); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < benchFlowSize {
			b.Fatalf("%s=%q: want a number of events", envBenchEvents, s)
		}
	}
	path := os.Getenv(envBenchDB)
	if path == "" {
		path = filepath.Join(b.TempDir(), "search.db")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path, nil, benchIndexes(b)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	stats, err := st.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if stats.Events >= int64(n) {
		return st, int(stats.Events)
	}
	start, loaded := time.Now(), int(stats.Events)
	end := time.Now().UTC()
	batch := make([]event.Event, 0, 1000)
	for i := loaded; i < n; i++ {
		flow, k := i/benchFlowSize, i%benchFlowSize
		corr := fmt.Sprintf("ord-%07d", flow)
		at := end.Add(-24 * time.Hour).Add(time.Duration(i) * (24 * time.Hour / time.Duration(n)))
		e := event.Event{EventID: fmt.Sprintf("%s-e%d", corr, k), CorrelationID: corr, Type: benchTypes[k],
			Source: "svc-" + strconv.Itoa(k%5), Topic: "topic-" + strconv.Itoa(k%5), Partition: int32(flow % 3), Offset: int64(i),
			Key: corr, Time: at, KafkaTime: at, IngestedAt: at,
			Headers: []event.Header{{Key: "tenant", Value: "t" + strconv.Itoa(flow%7)}}}
		if k > 0 {
			e.CausationID = fmt.Sprintf("%s-e%d", corr, k-1)
		}
		e.Payload = benchPayload(i, flow, k)
		e.PayloadSize = len(e.Payload)
		batch = append(batch, e)
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.Write(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.Logf("loaded %d events in %s", n-loaded, time.Since(start).Round(time.Second))
	return st, n
}

// BenchmarkSearch measures, per search kind, one request each iteration
// and reports the p50 and p99 latency.
func BenchmarkSearch(b *testing.B) {
	st, n := benchStore(b)
	h := New(Options{Store: st})
	flows := n / benchFlowSize
	rnd := rand.New(rand.NewPCG(1, 2))
	kinds := []searchKind{
		{"correlation_id", func() string { return SearchURL(fmt.Sprintf("ord-%07d", rnd.IntN(flows))) }, http.StatusSeeOther},
		{"event_id", func() string {
			return SearchURL(fmt.Sprintf("ord-%07d-e%d", rnd.IntN(flows), rnd.IntN(benchFlowSize)))
		}, http.StatusSeeOther},
		{"type", func() string {
			return "/api/flows?q=" + url.QueryEscape("type:"+benchTypes[rnd.IntN(len(benchTypes))])
		}, http.StatusOK},
	}
	kinds = append(kinds, payloadSearches()...)
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, k.target(), nil)
				rec := httptest.NewRecorder()
				t := time.Now()
				h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t))
				if rec.Code != k.status {
					b.Fatalf("%s: status %d: %.300s", req.URL, rec.Code, rec.Body)
				}
			}
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(n), "events")
		})
	}
}

var _ store.Reader = (*sqlite.Store)(nil)

// searchKind is one kind of search BenchmarkSearch times: a request
// target (new each call) and the status it answers.
type searchKind struct {
	name   string
	target func() string
	status int
}
