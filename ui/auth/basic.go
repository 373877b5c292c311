package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// basic checks Basic credentials against bcrypt hashes. bcrypt is slow on
// purpose (tens of ms of CPU); browsers send the credentials with every
// request, so verified credentials are remembered for a while, keyed by a
// salted digest, and cost nothing after the first check.
//
// A flood of wrong passwords must not take the CPU from everyone else, so
// password checks are throttled: each client address that fails gets a
// growing wait before its next check (throttle), and at most `slots` checks
// run at once in the whole process, a failed one keeping its slot idle
// nine times as long as it computed; a check that cannot start within
// bcryptQueueWait is refused with 429. Remembered credentials skip all this.
type basic struct {
	users map[string][]byte
	dummy []byte // compared for unknown users, so timing does not tell
	salt  [32]byte

	trusted []netip.Prefix // proxies whose X-Forwarded-For is believed
	fails   *throttle
	slots   chan struct{} // one token per password check running

	mu   sync.Mutex
	seen map[[32]byte]time.Time // digest -> valid until
}

const (
	basicCacheTTL  = 5 * time.Minute
	basicCacheSize = 1024
	// bcryptQueueWait is how long a password check waits for a free slot.
	bcryptQueueWait = 2 * time.Second
	// failedIdle: a failed check keeps its slot idle this many times as
	// long as it computed.
	failedIdle = 9
)

func newBasic(cfg Config) (*basic, error) {
	b := &basic{
		users: cfg.Users, seen: map[[32]byte]time.Time{}, trusted: cfg.ProxyTrusted,
		fails: newThrottle(cfg.Now),
		slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/4)),
	}
	rand.Read(b.salt[:])
	cost := bcrypt.DefaultCost
	for _, h := range cfg.Users { // the users' own cost, so timing does not tell
		if c, err := bcrypt.Cost(h); err == nil {
			cost = c
			break
		}
	}
	dummy, err := bcrypt.GenerateFromPassword(b.salt[:16], cost)
	if err != nil {
		return nil, err
	}
	b.dummy = dummy
	return b, nil
}

const basicChallenge = `Basic realm="eventscope", charset="UTF-8"`

func (b *basic) check(r *http.Request) (string, bool, string, time.Duration) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", false, basicChallenge, 0
	}
	digest := b.digest(user, pass)
	now := time.Now()
	b.mu.Lock()
	until, hit := b.seen[digest]
	b.mu.Unlock()
	if hit && now.Before(until) {
		return user, true, "", 0
	}
	client := clientAddr(r, b.trusted)
	if wait := b.fails.wait(client); wait > 0 {
		return "", false, basicChallenge, wait
	}
	timer := time.NewTimer(bcryptQueueWait)
	defer timer.Stop()
	select {
	case b.slots <- struct{}{}:
	case <-timer.C:
		return "", false, basicChallenge, time.Second
	case <-r.Context().Done():
		return "", false, basicChallenge, time.Second
	}
	start := time.Now()
	good := b.compare(user, pass)
	if !good {
		// Keep the slot idle failedIdle times as long: failed checks get
		// at most a tenth of a core per slot, the rest stays with ingest
		// and everyone else (issue 17 F5, measured with
		// BenchmarkLoginFloodIngest).
		pause(r, failedIdle*time.Since(start))
	}
	<-b.slots
	if !good {
		b.fails.failed(client)
		return "", false, basicChallenge, 0
	}
	b.fails.succeeded(client)
	b.mu.Lock()
	if len(b.seen) >= basicCacheSize {
		clear(b.seen)
	}
	b.seen[digest] = now.Add(basicCacheTTL)
	b.mu.Unlock()
	return user, true, "", 0
}

func (b *basic) digest(user, pass string) [32]byte {
	h := sha256.New()
	h.Write(b.salt[:])
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write([]byte(pass))
	var digest [32]byte
	h.Sum(digest[:0])
	return digest
}

// compare runs bcrypt, against the dummy hash for an unknown user.
func (b *basic) compare(user, pass string) bool {
	hash, known := b.users[user]
	if !known {
		hash = b.dummy
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(pass)) == nil && known
}

// pause waits d or until the request is gone.
func pause(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
