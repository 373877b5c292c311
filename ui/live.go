package ui

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Live fans stored events out to the clients of the live tail. Ingest calls
// Publish after each durable write; Publish never blocks: each client has a
// bounded buffer, and what does not fit is dropped and counted, so a slow
// browser loses lines (and is told how many) instead of slowing ingest.
// It is safe for concurrent use.
type Live struct {
	buf int

	mu      sync.Mutex
	clients map[*liveClient]struct{}
	closed  bool
	done    chan struct{}
}

// liveItem is one event for a client, with how many matching events were
// dropped just before it.
type liveItem struct {
	ev      *event.Event
	skipped int64
}

// liveClient is one subscriber: its filter, its buffer and its drop count.
type liveClient struct {
	q       store.FlowQuery
	ch      chan liveItem
	pending atomic.Int64 // dropped since the last item that got through
}

// NewLive returns a hub whose clients buffer up to bufferPerClient events
// (at least 1).
func NewLive(bufferPerClient int) *Live {
	return &Live{buf: max(bufferPerClient, 1), clients: map[*liveClient]struct{}{}, done: make(chan struct{})}
}

// Publish offers events to every client whose query matches them
// (store.MatchesEvent). It copies what it keeps, so the caller may reuse
// events once it returns.
func (l *Live) Publish(events []event.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.clients) == 0 {
		return
	}
	for i := range events {
		var cp *event.Event // one copy per event, shared read-only by clients
		for c := range l.clients {
			if !store.MatchesEvent(c.q, &events[i]) {
				continue
			}
			if cp == nil {
				cp = cloneEvent(&events[i])
			}
			select {
			case c.ch <- liveItem{ev: cp, skipped: c.pending.Load()}:
				c.pending.Store(0) // only Publish writes pending, under mu
			default:
				c.pending.Add(1)
			}
		}
	}
}

// subscribe adds a client for q; ok is false once the hub is closed.
func (l *Live) subscribe(q store.FlowQuery) (c *liveClient, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, false
	}
	c = &liveClient{q: q, ch: make(chan liveItem, l.buf)}
	l.clients[c] = struct{}{}
	return c, true
}

func (l *Live) unsubscribe(c *liveClient) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.clients, c)
}

// takeSkipped returns and resets c's drop count (for a client whose buffer
// has drained while nothing new matched).
func (l *Live) takeSkipped(c *liveClient) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := c.pending.Load()
	c.pending.Store(0)
	return n
}

// Clients is the number of connected live-tail clients.
func (l *Live) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// Close ends every live stream (their handlers return) and refuses new
// ones: call it when the HTTP server shuts down (http.Server's
// RegisterOnShutdown), since open streams would otherwise hold the
// shutdown until its deadline. It is safe to call more than once.
func (l *Live) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.done)
	}
}

func cloneEvent(e *event.Event) *event.Event {
	cp := *e
	cp.Headers = slices.Clone(e.Headers)
	cp.Payload = slices.Clone(e.Payload)
	return &cp
}
