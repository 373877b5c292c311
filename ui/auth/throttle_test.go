package auth

import (
	"net/http"
	"net/netip"
	"testing"
	"time"
)

// TestLoginThrottle: after a few free failures an address waits, doubling,
// before its next password check (429 with Retry-After, no bcrypt); other
// addresses and remembered credentials are not slowed; a success clears
// the address (issue 17 F5).
func TestLoginThrottle(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newServer(t, Config{Mode: ModeBasic, Users: map[string][]byte{"alice": hash(t, "s3cret")}, Now: clock.now, SearchRate: -1})
	const attacker, other = "192.0.2.66:1000", "192.0.2.7:1000"
	good, bad := basicHeader("alice", "s3cret"), basicHeader("alice", "guess")
	if w := do(e, "GET", "/", attacker, good); w.Code != 200 {
		t.Fatalf("good login: %d", w.Code)
	}
	for i := range freeFailures {
		if w := do(e, "GET", "/", attacker, bad); w.Code != http.StatusUnauthorized {
			t.Fatalf("free failure %d: %d, want 401", i+1, w.Code)
		}
	}
	if w := do(e, "GET", "/", attacker, bad); w.Code != http.StatusUnauthorized {
		t.Fatalf("the failure that starts the backoff: %d, want 401", w.Code)
	}
	w := do(e, "GET", "/", attacker, bad)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("during the backoff: %d Retry-After %q, want 429 and 1", w.Code, w.Header().Get("Retry-After"))
	}
	if w := do(e, "GET", "/", attacker, good); w.Code != 200 {
		t.Errorf("remembered credentials from the same address: %d, want 200", w.Code)
	}
	if w := do(e, "GET", "/", other, basicHeader("bob", "x")); w.Code != http.StatusUnauthorized {
		t.Errorf("another address: %d, want 401 (checked, not throttled)", w.Code)
	}
	clock.t = clock.t.Add(time.Second)
	if w := do(e, "GET", "/", attacker, bad); w.Code != http.StatusUnauthorized {
		t.Fatalf("after the wait: %d, want a check (401)", w.Code)
	}
	if w := do(e, "GET", "/", attacker, bad); w.Code != 429 || w.Header().Get("Retry-After") != "2" {
		t.Errorf("second backoff: %d Retry-After %q, want 429 and 2", w.Code, w.Header().Get("Retry-After"))
	}
	e2 := newServer(t, Config{Mode: ModeBasic, Users: map[string][]byte{"alice": hash(t, "s3cret")}, Now: clock.now, SearchRate: -1})
	for range freeFailures + 1 {
		do(e2, "GET", "/", attacker, bad)
	}
	clock.t = clock.t.Add(time.Second)
	if w := do(e2, "GET", "/", attacker, good); w.Code != 200 {
		t.Fatalf("good login after the wait: %d", w.Code)
	}
	if w := do(e2, "GET", "/", attacker, bad); w.Code != 401 {
		t.Errorf("after a success the address starts again: %d, want 401", w.Code)
	}
}

func TestThrottleKeyIPv6(t *testing.T) {
	th := newThrottle(nil)
	a, b := mustAddr(t, "2001:db8::1"), mustAddr(t, "2001:db8::ffff:1")
	for range freeFailures + 1 {
		th.failed(a)
	}
	if th.wait(b) == 0 {
		t.Errorf("another address of the same /64 is not throttled")
	}
	if th.wait(mustAddr(t, "2001:db8:1::1")) != 0 {
		t.Errorf("another /64 is throttled")
	}
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
