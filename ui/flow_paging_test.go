package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// flowJSON is the body of GET /api/flows/{id} (and of the JSON export).
type flowJSON struct {
	CorrelationID string          `json:"correlation_id"`
	Events        []event.Event   `json:"events"`
	Edges         []graph.Edge    `json:"edges"`
	Anomalies     []graph.Anomaly `json:"anomalies"`
	NextCursor    string          `json:"next_cursor"`
}

// chain is a flow of n events, each caused by the one before, plus one
// duplicate of the first (an anomaly).
func chain(id string, n int) []event.Event {
	evs := make([]event.Event, 0, n+1)
	for i := range n {
		e := ev(fmt.Sprintf("%s-e%d", id, i), id, "", "Step", "svc", "orders", 0, int64(i), i)
		if i > 0 {
			e.CausationID = fmt.Sprintf("%s-e%d", id, i-1)
		}
		evs = append(evs, e)
	}
	dup := evs[0]
	dup.Offset = int64(n)
	return append(evs, dup)
}

// TestFlowPaging: limit/cursor page a flow's events in store order, each
// page with the edges into its events and the first with the anomalies;
// the pages add up to the whole flow (issue 17 F4).
func TestFlowPaging(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(chain("big", 25)...)})
	var whole flowJSON
	decodeJSON(t, ts.get(t, "/api/flows/big"), &whole)
	if len(whole.Events) != 26 || len(whole.Edges) != 24 || len(whole.Anomalies) == 0 || whole.NextCursor != "" {
		t.Fatalf("whole flow: %d events, %d edges, %d anomalies, cursor %q", len(whole.Events), len(whole.Edges), len(whole.Anomalies), whole.NextCursor)
	}
	var events, edges, pages int
	cursor := ""
	for {
		var p flowJSON
		rec := ts.get(t, "/api/flows/big?limit=10&cursor="+url.QueryEscape(cursor))
		if rec.Code != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, rec.Code, rec.Body)
		}
		decodeJSON(t, rec, &p)
		if pages == 0 && len(p.Anomalies) == 0 || pages > 0 && len(p.Anomalies) != 0 {
			t.Errorf("page %d: %d anomalies", pages, len(p.Anomalies))
		}
		for i, e := range p.Events {
			if e.EventID != whole.Events[events+i].EventID || e.Offset != whole.Events[events+i].Offset {
				t.Fatalf("page %d event %d: %s, want %s", pages, i, e.EventID, whole.Events[events+i].EventID)
			}
		}
		events += len(p.Events)
		edges += len(p.Edges)
		pages++
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if pages != 3 || events != 26 || edges != 24 {
		t.Errorf("%d pages, %d events, %d edges; want 3, 26, 24", pages, events, edges)
	}
	for _, q := range []string{"limit=0", "limit=10001", "limit=x", "cursor=nope"} {
		if rec := ts.get(t, "/api/flows/big?"+q); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, rec.Code)
		}
	}
}

// countingStore counts Flow reads and can hold them.
type countingStore struct {
	*fakeStore
	reads chan string
	hold  chan struct{}
}

func (s *countingStore) Flow(ctx context.Context, id string) ([]event.Event, error) {
	s.reads <- id
	<-s.hold
	return s.fakeStore.Flow(ctx, id)
}

// TestBigFlowBuilds: a big flow is built once for concurrent clients and
// then served from the cache until it gets a new record; while every build
// slot is busy, another big flow waits, then gets 503 with Retry-After.
func TestBigFlowBuilds(t *testing.T) {
	st := &countingStore{fakeStore: newFakeStore(append(chain("a", 30), chain("b", 30)...)...), reads: make(chan string, 100), hold: make(chan struct{})}
	ts := newTestServer(t, Options{Store: st, BigFlowEvents: 20, BigFlowBuilds: 1})
	var wg sync.WaitGroup
	codes := make(chan int, 3)
	for range 3 {
		wg.Go(func() { codes <- ts.get(t, "/api/flows/a").Code })
	}
	if id := <-st.reads; id != "a" {
		t.Fatalf("read %q", id)
	}
	close(st.hold)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("concurrent client: %d", c)
		}
	}
	if n := len(st.reads); n != 0 {
		t.Errorf("flow a read %d more times by concurrent clients, want once in all", n)
	}
	if rec := ts.get(t, "/flows/a/export?format=mermaid"); rec.Code != 200 || len(st.reads) != 0 {
		t.Errorf("export of the cached flow: %d, %d reads", rec.Code, len(st.reads))
	}
	extra := ev("a-late", "a", "a-e29", "Step", "svc", "orders", 1, 0, 99)
	st.fakeStore = newFakeStore(append(st.fakeStore.events, extra)...)
	if rec := ts.get(t, "/api/flows/a"); rec.Code != 200 || len(st.reads) != 1 {
		t.Errorf("after a new record: %d, %d reads, want a rebuild", rec.Code, len(st.reads))
	}
	<-st.reads

	st.hold = make(chan struct{})
	ts = newTestServer(t, Options{Store: st, BigFlowEvents: 20, BigFlowBuilds: 1, BigFlowWait: 50 * time.Millisecond})
	wg.Go(func() { ts.get(t, "/api/flows/a") })
	<-st.reads
	rec := ts.get(t, "/api/flows/b")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("big flow while the slot is busy: %d Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(st.hold)
	wg.Wait()
}
