package ui

import (
	"context"
	"sync"
	"time"

	"github.com/eventscope/eventscope/store"
)

// statsCache reuses the store's totals for a while: on ClickHouse they count
// every record (seconds at 10M events), and the dashboard and /api/stats ask
// on every load. Concurrent callers share one query.
type statsCache struct {
	ttl time.Duration // 0: no caching

	mu   sync.Mutex
	last store.Stats
	at   time.Time
}

func (c *statsCache) get(ctx context.Context, r store.Reader) (store.Stats, error) {
	if c.ttl <= 0 {
		return r.Stats(ctx)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < c.ttl {
		return c.last, nil
	}
	st, err := r.Stats(ctx)
	if err != nil {
		return store.Stats{}, err
	}
	c.last, c.at = st, time.Now()
	return st, nil
}
