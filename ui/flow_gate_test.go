package ui

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestBigFlowGateReplayAndEvent: the replay page, its JSON and the event
// page read a big flow whole, so they wait for a big-flow slot like the
// flow page (503 with Retry-After when none frees); a small flow does not.
func TestBigFlowGateReplayAndEvent(t *testing.T) {
	st := &countingStore{fakeStore: newFakeStore(append(append(chain("a", 30), chain("b", 30)...), chain("s", 5)...)...),
		reads: make(chan string, 100), hold: make(chan struct{})}
	ts := newTestServer(t, Options{Store: st, BigFlowEvents: 20, BigFlowBuilds: 1, BigFlowWait: 50 * time.Millisecond})
	var wg sync.WaitGroup
	wg.Go(func() { ts.get(t, "/api/flows/a") }) // holds the one slot
	if id := <-st.reads; id != "a" {
		t.Fatalf("read %q", id)
	}
	for _, path := range []string{"/flows/b/replay", "/api/flows/b/replay", "/events/b-e3", "/api/events/b-e3"} {
		rec := ts.get(t, path)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s while the slot is busy: %d Retry-After %q, want 503 with Retry-After", path, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	if n := len(st.reads); n != 0 {
		t.Errorf("%d big flows read while the slot was busy", n)
	}
	small := make(chan int, 1)
	go func() { small <- ts.get(t, "/flows/s/replay").Code }()
	if id := <-st.reads; id != "s" {
		t.Errorf("small flow: read %q", id)
	}
	close(st.hold)
	if c := <-small; c != http.StatusOK {
		t.Errorf("replay of a small flow: %d", c)
	}
	wg.Wait()
	for _, path := range []string{"/flows/b/replay", "/events/b-e3"} {
		if rec := ts.get(t, path); rec.Code != http.StatusOK {
			t.Errorf("%s once the slot is free: %d", path, rec.Code)
		}
		<-st.reads
	}
}
