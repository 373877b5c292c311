package auth

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// limiter is a token bucket per client address.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the memory of the limiter; beyond it, buckets that
// have refilled (clients that went quiet) are forgotten.
const maxBuckets = 10000

// allow takes a token for client, or says how long until one is there.
func (l *limiter) allow(client netip.Addr) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *limiter) evict(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets { // everyone is busy: start over
		clear(l.buckets)
	}
}

// rateLimit answers 429 with Retry-After when a client exceeds its bucket
// on the search paths.
func rateLimit(cfg Config) echo.MiddlewareFunc {
	l := &limiter{rate: cfg.SearchRate, burst: float64(cfg.SearchBurst), now: cfg.Now, buckets: map[netip.Addr]*bucket{}}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !matchPath(cfg.RateLimitPaths, r.URL.Path) {
				return next(c)
			}
			ok, wait := l.allow(clientAddr(r, cfg.ProxyTrusted))
			if !ok {
				secs := int(math.Ceil(wait.Seconds()))
				c.Response().Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
				return echo.NewHTTPError(http.StatusTooManyRequests, "too many searches; retry later")
			}
			return next(c)
		}
	}
}

// clientAddr is the peer's address or, when the peer is a trusted proxy,
// the last address in X-Forwarded-For that is not a trusted proxy.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr, _ := remoteAddr(r)
	if len(trusted) == 0 || !contains(trusted, addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if a = a.Unmap(); !contains(trusted, a) {
			return a
		}
	}
	return addr
}
