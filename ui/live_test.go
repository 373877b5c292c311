package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func liveEvent(id, typ string) event.Event {
	return event.Event{EventID: id, CorrelationID: "c-" + id, Type: typ, Source: "svc", Topic: "orders", Time: t0,
		Payload: []byte(`{"n":1}`), Headers: []event.Header{{Key: "k", Value: "v"}}}
}

// TestLivePublishDropsAndCounts: each batch is matched and encoded once for
// the clients of a query; a client that does not read loses batches and is
// told how many events it skipped; beyond the client limit subscribe
// refuses (issue 17 F6).
func TestLivePublishDropsAndCounts(t *testing.T) {
	l := NewLive(1, 2)
	q, _ := store.ParseQuery("type:A", t0)
	c1, err1 := l.subscribe(q)
	c2, err2 := l.subscribe(q)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if _, err := l.subscribe(q); !errors.Is(err, errLiveFull) {
		t.Fatalf("third client: %v, want errLiveFull", err)
	}
	batch := []event.Event{liveEvent("1", "A"), liveEvent("2", "B"), liveEvent("3", "A")}
	done := make(chan struct{})
	go func() { l.Publish(batch); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked")
	}
	batch[0].Payload[2] = 'X' // the caller may reuse its batch
	it1, it2 := <-c1.ch, <-c2.ch
	frames := strings.Split(strings.TrimSuffix(string(it1.data), "\n\n"), "\n\n")
	if it1.events != 2 || len(frames) != 2 || !strings.Contains(frames[0], `"event_id":"1"`) || !strings.Contains(frames[0], `"payload":{"n":1}`) || !strings.Contains(frames[1], `"event_id":"3"`) {
		t.Errorf("first item: %d events %q", it1.events, it1.data)
	}
	if &it1.data[0] != &it2.data[0] {
		t.Errorf("the two clients of one query got separately encoded frames")
	}

	for _, id := range []string{"4", "5", "6"} { // c1 and c2 buffer one batch each
		l.Publish([]event.Event{liveEvent(id, "A")})
	}
	eventually(t, "two batches dropped for each client", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return c1.pending == 2 && c2.pending == 2
	})
	if it := <-c1.ch; !strings.Contains(string(it.data), `"event_id":"4"`) || it.skipped != 0 {
		t.Errorf("buffered item: %q skipped %d", it.data, it.skipped)
	}
	l.Publish([]event.Event{liveEvent("7", "A")})
	var it liveItem
	eventually(t, "the next batch", func() bool {
		select {
		case it = <-c1.ch:
			return true
		default:
			return false
		}
	})
	if !strings.Contains(string(it.data), `"event_id":"7"`) || it.skipped != 2 {
		t.Errorf("after the drops: %q skipped %d, want 7 after 2 skipped", it.data, it.skipped)
	}
	if n := l.takeSkipped(c2); n != 3 { // 5, 6 and 7: its buffer still holds 4
		t.Errorf("takeSkipped = %d, want 3", n)
	}
	l.unsubscribe(c1)
	l.unsubscribe(c2)
	l.unsubscribe(c2)
	if l.Clients() != 0 {
		t.Errorf("Clients = %d after unsubscribe", l.Clients())
	}
	l.Publish(batch) // no clients: nothing to do
	l.Close()
	l.Close()
	if _, err := l.subscribe(q); !errors.Is(err, errLiveClosed) {
		t.Errorf("subscribe after Close: %v", err)
	}
}

// eventually polls f for up to 5 s.
func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !f(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLiveClientLimit(t *testing.T) {
	live := NewLive(4, 1)
	srv := httptest.NewServer(newTestServer(t, Options{Live: live}).h)
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/live", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err, resp)
	}
	defer resp.Body.Close()
	second, err := http.Get(srv.URL + "/api/live")
	if err != nil {
		t.Fatal(err)
	}
	second.Body.Close()
	if second.StatusCode != http.StatusTooManyRequests || second.Header.Get("Retry-After") == "" {
		t.Errorf("beyond the limit: %d Retry-After %q, want 429 with Retry-After", second.StatusCode, second.Header.Get("Retry-After"))
	}
}

// sse reads Server-Sent Events frames from a response body.
type sse struct{ sc *bufio.Scanner }

// next returns the next frame's event name and data, skipping comments.
func (s *sse) next(t *testing.T) (name, data string) {
	t.Helper()
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "" && data != "":
			return name, data
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
	t.Fatalf("stream ended: %v", s.sc.Err())
	return "", ""
}

func TestLiveStream(t *testing.T) {
	live := NewLive(16, 0)
	srv := httptest.NewServer(newTestServer(t, Options{Live: live}).h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/live?q=type:A%20-source:quiet", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, ct)
	}
	for deadline := time.Now().Add(5 * time.Second); live.Clients() != 1; {
		if time.Now().After(deadline) {
			t.Fatal("the stream never subscribed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	quiet := liveEvent("q", "A")
	quiet.Source = "quiet"
	live.Publish([]event.Event{liveEvent("1", "B"), quiet, liveEvent("2", "A")})
	s := &sse{bufio.NewScanner(resp.Body)}
	name, data := s.next(t)
	var got event.Event
	if err := json.Unmarshal([]byte(data), &got); err != nil || name != "" {
		t.Fatalf("frame %q %q: %v", name, data, err)
	}
	if got.EventID != "2" || got.CorrelationID != "c-2" || string(got.Payload) != `{"n":1}` {
		t.Errorf("streamed %+v", got)
	}
	live.Close() // shutting down ends the stream
	if _, err := bufio.NewReader(resp.Body).ReadString(0); err == nil {
		t.Error("stream still open after Close")
	}
}

func TestLiveStreamUnavailableAndBadQuery(t *testing.T) {
	ts := newTestServer(t, Options{})
	if rec := ts.get(t, "/api/live"); rec.Code != 503 {
		t.Errorf("without a hub: %d", rec.Code)
	}
	ts = newTestServer(t, Options{Live: NewLive(1, 0)})
	if rec := ts.get(t, "/api/live?q=nope:x"); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"position":0`) {
		t.Errorf("bad query: %d %s", rec.Code, rec.Body)
	}
}

func TestLiveSkippedFrame(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := writeSkipped(rec, 42); err != nil {
		t.Fatal(err)
	}
	if got := rec.Body.String(); got != "event: skipped\ndata: {\"skipped\":42}\n\n" {
		t.Errorf("frame %q", got)
	}
}

// TestLiveRate: a client gets at most liveClientRate events a second (all
// clients together liveTotalRate); the rest is counted as skipped.
func TestLiveRate(t *testing.T) {
	l := NewLive(4, 0)
	c, err := l.subscribe(store.FlowQuery{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.unsubscribe(c)
	batch := make([]event.Event, liveClientRate+500)
	for i := range batch {
		batch[i] = liveEvent(strconv.Itoa(i), "A")
	}
	l.Publish(batch)
	it := <-c.ch
	if it.events != liveClientRate || strings.Count(string(it.data), "data: ") != liveClientRate {
		t.Errorf("first item: %d events, want %d", it.events, liveClientRate)
	}
	l.mu.Lock()
	pending := c.pending
	l.mu.Unlock()
	if pending != 500 {
		t.Errorf("skipped %d, want 500", pending)
	}
}
