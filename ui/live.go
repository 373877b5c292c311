package ui

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Live fans stored events out to the clients of the live tail. Ingest calls
// Publish after each durable write; Publish never blocks and does no
// per-client work: it copies the batch onto a bounded queue and returns. A
// fan-out goroutine (running while clients are connected) matches each
// batch once per distinct query, encodes each matching event once for all
// clients, and hands every client the batch's frames in one non-blocking
// send, within a per-client rate (liveClientRate, liveTotalRate). What does
// not fit a client's rate or buffer is dropped and counted, so a slow
// browser loses lines (and is told how many) instead of slowing ingest; the stream handler disconnects a client that cannot take a write
// within liveWriteTimeout. At most maxClients streams are open at once.
// It is safe for concurrent use.
type Live struct {
	buf, maxClients int

	mu     sync.Mutex
	groups map[string]*liveGroup // clients by query
	n      int                   // clients
	in     chan []event.Event    // batches for the fan-out; nil without clients
	closed bool
	done   chan struct{}
}

// liveGroup is the clients of one query.
type liveGroup struct {
	q       store.FlowQuery
	clients map[*liveClient]struct{}
}

// liveItem is the frames of the events of one batch that matched a
// client's query (shared read-only by the clients of that query), with how
// many matching events were dropped for the client just before them.
type liveItem struct {
	data    []byte
	ends    []int // end offset in data of each frame (maybe fewer than events)
	events  int   // matching events, encoded or not
	skipped int64
}

// liveClient is one subscriber: its group, its buffer and its drop count.
type liveClient struct {
	key string
	ch  chan liveItem
	// Under Live.mu: events dropped since the last item that got through,
	// and the client's rate budget (tokens, refilled since last).
	pending int64
	tokens  float64
	last    time.Time
}

// Errors of subscribe.
var (
	errLiveClosed = errors.New("the server is shutting down")
	errLiveFull   = errors.New("too many live-tail clients")
)

// liveQueue is how many published batches may wait for the fan-out.
const liveQueue = 16

// The live tail is for people (the page keeps 500 lines): each client gets
// at most liveClientRate events per second, and all clients together at
// most liveTotalRate, shared equally; the rest is skipped and counted. This
// bounds what the tail costs ingest whatever the number of clients.
const (
	liveClientRate = 1000
	liveTotalRate  = 20000
)

// NewLive returns a hub whose clients buffer up to bufferPerBatch batches
// (at least 1) and that accepts at most maxClients clients (0: no limit).
func NewLive(bufferPerClient, maxClients int) *Live {
	return &Live{buf: max(bufferPerClient, 1), maxClients: maxClients, groups: map[string]*liveGroup{}, done: make(chan struct{})}
}

// Publish offers events to every client whose query matches them
// (store.MatchesEvent). It copies what it keeps, so the caller may reuse
// events once it returns. When the fan-out has fallen liveQueue batches
// behind, the batch is dropped and counted as skipped for every client.
func (l *Live) Publish(events []event.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.in == nil || len(events) == 0 {
		return
	}
	cp := make([]event.Event, len(events))
	for i := range events {
		cp[i] = cloneEvent(&events[i])
	}
	select {
	case l.in <- cp:
	default:
		for _, g := range l.groups {
			for c := range g.clients {
				c.pending += int64(len(events))
			}
		}
	}
}

// fanout delivers batches until in is closed (the last client left).
func (l *Live) fanout(in <-chan []event.Event) {
	for batch := range in {
		l.deliver(batch)
	}
}

// deliver matches batch against each query once, encodes each matching
// event once, and offers each client its frames.
func (l *Live) deliver(batch []event.Event) {
	// Refill every client's budget first: a query's events are encoded
	// only as far as its most generous client can take.
	now := time.Now()
	l.mu.Lock()
	rate := float64(liveClientRate)
	if l.n > 0 {
		rate = min(rate, float64(liveTotalRate)/float64(l.n))
	}
	type want struct {
		q    store.FlowQuery
		need int
	}
	wants := make(map[string]want, len(l.groups))
	for k, g := range l.groups {
		w := want{q: g.q}
		for c := range g.clients {
			c.refill(rate, now)
			if len(c.ch) < cap(c.ch) {
				w.need = max(w.need, int(c.tokens))
			}
		}
		wants[k] = w
	}
	l.mu.Unlock()

	enc := make([][]byte, len(batch))
	items := make(map[string]liveItem, len(wants))
	for k, w := range wants {
		var it liveItem
		for i := range batch {
			if !store.MatchesEvent(w.q, &batch[i]) {
				continue
			}
			if it.events++; len(it.ends) == w.need {
				continue // counted, not encoded: no client can take it
			}
			if enc[i] == nil {
				enc[i] = liveFrame(&batch[i])
			}
			it.data = append(it.data, enc[i]...)
			it.ends = append(it.ends, len(it.data))
		}
		if it.events > 0 {
			items[k] = it
		}
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	for k, it := range items {
		if g := l.groups[k]; g != nil {
			for c := range g.clients {
				c.offer(it)
			}
		}
	}
}

// refill adds the tokens earned since the last batch. Under Live.mu.
func (c *liveClient) refill(rate float64, now time.Time) {
	if c.last.IsZero() {
		c.tokens = rate
	} else {
		c.tokens = min(rate, c.tokens+now.Sub(c.last).Seconds()*rate)
	}
	c.last = now
}

// offer hands c as many events of it as its budget allows, without
// blocking; the rest count as skipped. Under Live.mu.
func (c *liveClient) offer(it liveItem) {
	n := min(len(it.ends), int(c.tokens))
	if n == 0 {
		c.pending += int64(it.events)
		return
	}
	part := liveItem{data: it.data[:it.ends[n-1]], events: n, skipped: c.pending}
	select {
	case c.ch <- part:
		c.tokens -= float64(n)
		c.pending = int64(it.events - n)
	default:
		c.pending += int64(it.events)
	}
}

// liveFrame is one Server-Sent Events frame carrying e's JSON.
func liveFrame(e *event.Event) []byte {
	b, err := e.MarshalJSON()
	if err != nil {
		b = fmt.Appendf(nil, `{"error":%q}`, "encode live event "+e.Coordinates()+": "+err.Error())
	}
	out := make([]byte, 0, len(b)+8)
	out = append(out, "data: "...)
	out = append(out, b...)
	return append(out, '\n', '\n')
}

// subscribe adds a client for q: errLiveClosed once the hub is closed,
// errLiveFull at the client limit.
func (l *Live) subscribe(q store.FlowQuery) (*liveClient, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return nil, errLiveClosed
	case l.maxClients > 0 && l.n >= l.maxClients:
		return nil, errLiveFull
	}
	c := &liveClient{key: fmt.Sprintf("%v", q), ch: make(chan liveItem, l.buf)}
	g := l.groups[c.key]
	if g == nil {
		g = &liveGroup{q: q, clients: map[*liveClient]struct{}{}}
		l.groups[c.key] = g
	}
	g.clients[c] = struct{}{}
	if l.n++; l.in == nil {
		l.in = make(chan []event.Event, liveQueue)
		go l.fanout(l.in)
	}
	return c, nil
}

func (l *Live) unsubscribe(c *liveClient) {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.groups[c.key]
	if g == nil {
		return
	}
	if _, ok := g.clients[c]; !ok {
		return
	}
	delete(g.clients, c)
	if len(g.clients) == 0 {
		delete(l.groups, c.key)
	}
	if l.n--; l.n == 0 {
		close(l.in)
		l.in = nil
	}
}

// takeSkipped returns and resets c's drop count (for a client whose buffer
// has drained while nothing new matched).
func (l *Live) takeSkipped(c *liveClient) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := c.pending
	c.pending = 0
	return n
}

// Clients is the number of connected live-tail clients.
func (l *Live) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
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

func cloneEvent(e *event.Event) event.Event {
	cp := *e
	cp.Headers = slices.Clone(e.Headers)
	cp.Payload = slices.Clone(e.Payload)
	return cp
}
