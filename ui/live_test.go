package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

func TestLivePublishDropsAndCounts(t *testing.T) {
	l := NewLive(2)
	q, _ := store.ParseQuery("type:A", t0)
	c, ok := l.subscribe(q)
	if !ok {
		t.Fatal("subscribe refused")
	}
	batch := []event.Event{liveEvent("1", "A"), liveEvent("2", "B"), liveEvent("3", "A"), liveEvent("4", "A"), liveEvent("5", "A")}
	done := make(chan struct{})
	go func() { l.Publish(batch); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a full client")
	}
	batch[0].Payload[2] = 'X' // the caller may reuse its batch
	first := <-c.ch
	if first.ev.EventID != "1" || first.skipped != 0 || string(first.ev.Payload) != `{"n":1}` {
		t.Errorf("first item = %+v (payload %s)", first, first.ev.Payload)
	}
	if second := <-c.ch; second.ev.EventID != "3" {
		t.Errorf("second item = %s, want 3", second.ev.EventID)
	}
	l.Publish([]event.Event{liveEvent("6", "A")})
	if it := <-c.ch; it.ev.EventID != "6" || it.skipped != 2 {
		t.Errorf("after the drops: %s skipped %d, want 6 after 2 skipped", it.ev.EventID, it.skipped)
	}
	l.Publish(batch[:1])
	l.Publish(batch[:1])
	l.Publish(batch[:1]) // one dropped
	<-c.ch
	<-c.ch
	if n := l.takeSkipped(c); n != 1 {
		t.Errorf("takeSkipped = %d, want 1", n)
	}
	l.unsubscribe(c)
	if l.Clients() != 0 {
		t.Errorf("Clients = %d after unsubscribe", l.Clients())
	}
	l.Close()
	l.Close()
	if _, ok := l.subscribe(q); ok {
		t.Error("subscribe after Close")
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
	live := NewLive(16)
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
	ts = newTestServer(t, Options{Live: NewLive(1)})
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
