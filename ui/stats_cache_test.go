package ui

import (
	"context"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

type countingStats struct {
	store.Reader
	calls int
}

func (c *countingStats) Stats(context.Context) (store.Stats, error) {
	c.calls++
	return store.Stats{Events: int64(c.calls)}, nil
}

func TestStatsCache(t *testing.T) {
	ctx := context.Background()
	r := &countingStats{}
	off := &statsCache{}
	for range 3 {
		off.get(ctx, r)
	}
	if r.calls != 3 {
		t.Fatalf("without a TTL the store was asked %d times for 3 calls, want 3", r.calls)
	}
	r.calls = 0
	c := &statsCache{ttl: time.Hour}
	a, _ := c.get(ctx, r)
	b, _ := c.get(ctx, r)
	if r.calls != 1 || a.Events != 1 || b.Events != 1 {
		t.Fatalf("with a TTL: %d store calls, answers %d and %d; want 1 call and the first answer twice", r.calls, a.Events, b.Events)
	}
	c.at = time.Now().Add(-2 * time.Hour) // expired
	if st, _ := c.get(ctx, r); r.calls != 2 || st.Events != 2 {
		t.Fatalf("after the TTL: %d store calls, answer %d; want a fresh answer", r.calls, st.Events)
	}
}
