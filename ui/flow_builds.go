package ui

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// Defaults of the big-flow limits (Options.BigFlowEvents and friends).
const (
	DefaultBigFlowEvents   = 10_000
	DefaultBigFlowBuilds   = 2
	DefaultFlowCacheEvents = 300_000
	// DefaultBigFlowWait is how long a request for a big flow waits for a
	// build slot before it gets 503 with Retry-After.
	DefaultBigFlowWait = 10 * time.Second
	// flowCacheTTL bounds how stale a cached graph's time-dependent
	// anomalies (stalled) may get.
	flowCacheTTL = 15 * time.Second
)

// flowBusyRetryAfter is the Retry-After of errFlowBusy, in seconds.
const flowBusyRetryAfter = "5"

// errFlowBusy is returned when every big-flow build slot stayed busy.
var errFlowBusy = echo.NewHTTPError(http.StatusServiceUnavailable, "too many large flows are being built; retry later")

// flowBuilds bounds the memory that big flows cost: at most cap(slots) of
// them are read and built at once (others queue, then get 503), and the
// built graphs are kept, up to maxEvents events in all, keyed by flow and
// by its last write (event count and last time), so clients asking for the
// same big flow share one build. Built graphs are read-only.
type flowBuilds struct {
	big       int
	maxEvents int
	slots     chan struct{}
	wait      time.Duration
	now       func() time.Time

	mu     sync.Mutex
	cache  map[string]*flowEntry
	events int // held in cache
}

type flowEntry struct {
	version flowVersion
	flow    *graph.Flow
	hidden  int
	built   time.Time
	used    time.Time
}

// flowVersion identifies a flow's content: it changes with every new record.
type flowVersion struct {
	count int
	last  time.Time
}

func newFlowBuilds(big, builds, maxEvents int, wait time.Duration, now func() time.Time) *flowBuilds {
	if wait <= 0 {
		wait = DefaultBigFlowWait
	}
	if big <= 0 {
		big = DefaultBigFlowEvents
	}
	if builds <= 0 {
		builds = DefaultBigFlowBuilds
	}
	if maxEvents <= 0 {
		maxEvents = DefaultFlowCacheEvents
	}
	return &flowBuilds{big: big, maxEvents: maxEvents, slots: make(chan struct{}, builds), wait: wait, now: now, cache: map[string]*flowEntry{}}
}

// loadBig serves a flow of more than BigFlowEvents events with read: from the cache when its version is unchanged, else read
// and built in one of the bounded slots (errFlowBusy when none frees within
// b.wait).
func (b *flowBuilds) loadBig(ctx context.Context, key string, v flowVersion,
	read func() (*graph.Flow, int, error)) (*graph.Flow, int, error) {
	if e := b.get(key, v); e != nil {
		return e.flow, e.hidden, nil
	}
	release, err := b.acquire(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer release()
	if e := b.get(key, v); e != nil { // built while this one queued
		return e.flow, e.hidden, nil
	}
	f, hidden, err := read()
	if err == nil {
		b.put(key, v, f, hidden)
	}
	return f, hidden, err
}

// flowVersion asks the store for the flow's summary; known is false when
// the search does not list it.
func (h *handler) flowVersion(ctx context.Context, id string) (v flowVersion, known bool, err error) {
	page, err := h.store.Flows(ctx, store.FlowQuery{Terms: []store.Term{{Field: store.FieldID, Value: id}}, Limit: 20})
	if err != nil {
		return v, false, fmt.Errorf("flow %q: %w", id, err)
	}
	for _, s := range page.Flows {
		if s.CorrelationID == id {
			return flowVersion{count: s.EventCount, last: s.LastTime}, true, nil
		}
	}
	return v, false, nil
}

func (b *flowBuilds) get(key string, v flowVersion) *flowEntry {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.cache[key]
	if e == nil || e.version != v || now.Sub(e.built) > flowCacheTTL {
		return nil
	}
	e.used = now
	return e
}

// put keeps f, evicting the least recently used graphs beyond maxEvents.
func (b *flowBuilds) put(key string, v flowVersion, f *graph.Flow, hidden int) {
	n := len(f.Events)
	if n > b.maxEvents {
		return
	}
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if old := b.cache[key]; old != nil {
		b.events -= len(old.flow.Events)
		delete(b.cache, key)
	}
	for b.events+n > b.maxEvents {
		var oldest string
		for k, e := range b.cache {
			if oldest == "" || e.used.Before(b.cache[oldest].used) {
				oldest = k
			}
		}
		b.events -= len(b.cache[oldest].flow.Events)
		delete(b.cache, oldest)
	}
	e := &flowEntry{version: v, flow: f, hidden: hidden, built: now, used: now}
	b.cache[key] = e
	b.events += n
	time.AfterFunc(flowCacheTTL, func() { b.drop(key, e) })
}

// drop forgets e once it has expired, and hands the memory of its graph
// back to the system: a big flow's graph is hundreds of megabytes that the
// runtime would otherwise keep for minutes.
func (b *flowBuilds) drop(key string, e *flowEntry) {
	b.mu.Lock()
	if b.cache[key] != e {
		b.mu.Unlock()
		return
	}
	delete(b.cache, key)
	b.events -= len(e.flow.Events)
	b.mu.Unlock()
	debug.FreeOSMemory()
}
