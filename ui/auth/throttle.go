package auth

import (
	"net/netip"
	"sync"
	"time"
)

// Failed-login backoff: the first freeFailures failures of an address cost
// nothing (typos); each later one doubles its wait, from failBackoffMin up
// to failBackoffMax. A success clears the address; so does failForget of
// quiet.
const (
	freeFailures   = 3
	failBackoffMin = time.Second
	failBackoffMax = time.Minute
	failForget     = 15 * time.Minute
)

// throttle counts failed password checks per client address.
type throttle struct {
	now func() time.Time

	mu    sync.Mutex
	addrs map[netip.Addr]*failures
}

type failures struct {
	n     int
	until time.Time // no check before
	last  time.Time
}

func newThrottle(now func() time.Time) *throttle {
	if now == nil {
		now = time.Now
	}
	return &throttle{now: now, addrs: map[netip.Addr]*failures{}}
}

// throttleKey is the address a client is counted under: an IPv6 client by
// its /64, which one host can fill with addresses of its own.
func throttleKey(a netip.Addr) netip.Addr {
	if a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// wait is how long client must wait before its next password check; 0
// when it may check now.
func (t *throttle) wait(client netip.Addr) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.addrs[throttleKey(client)]
	if f == nil {
		return 0
	}
	return max(f.until.Sub(t.now()), 0)
}

// failed records a failed check of client.
func (t *throttle) failed(client netip.Addr) {
	now := t.now()
	client = throttleKey(client)
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.addrs[client]
	if f == nil {
		if len(t.addrs) >= maxBuckets {
			t.evict(now)
		}
		f = &failures{}
		t.addrs[client] = f
	}
	f.n++
	f.last = now
	if f.n > freeFailures {
		d := failBackoffMin << min(f.n-freeFailures-1, 16)
		f.until = now.Add(min(d, failBackoffMax))
	}
}

// succeeded forgets client's failures.
func (t *throttle) succeeded(client netip.Addr) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.addrs, throttleKey(client))
}

// evict forgets addresses quiet for failForget; when all are recent, the
// oldest half goes (an attacker with many addresses cannot grow memory).
func (t *throttle) evict(now time.Time) {
	for k, f := range t.addrs {
		if now.Sub(f.last) > failForget {
			delete(t.addrs, k)
		}
	}
	if len(t.addrs) < maxBuckets {
		return
	}
	n := 0
	for k := range t.addrs { // map order is random: a random half
		delete(t.addrs, k)
		if n++; n >= maxBuckets/2 {
			break
		}
	}
}
