package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// userKey is where the authenticated user name is kept in the echo context.
const userKey = "auth.user"

// User returns the name the request authenticated as: the htpasswd user,
// "token" for a bearer token, the proxy's user, or "" (no auth, public path).
func User(c echo.Context) string {
	s, _ := c.Get(userKey).(string)
	return s
}

// Middleware returns the chain for cfg, outermost first, to pass to
// echo's Use: security headers, Host and Origin check, body limit, CSRF
// check, authentication, search rate limit, request timeout.
func Middleware(cfg Config) ([]echo.MiddlewareFunc, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	authn, err := authenticator(cfg)
	if err != nil {
		return nil, err
	}
	mws := []echo.MiddlewareFunc{securityHeaders(cfg.CSP)}
	if cfg.Hosts.Check {
		mws = append(mws, hostCheck(cfg.Hosts))
	}
	mws = append(mws, bodyLimit(cfg.MaxBodyBytes), crossOrigin(), authn)
	if cfg.SearchRate > 0 {
		mws = append(mws, rateLimit(cfg))
	}
	if cfg.RequestTimeout > 0 {
		mws = append(mws, timeout(cfg.RequestTimeout, cfg.NoTimeoutPaths))
	}
	return mws, nil
}

// check authenticates one request: the user name, or ok false with the
// WWW-Authenticate challenge to send.
type check func(r *http.Request) (user string, ok bool, challenge string)

func authenticator(cfg Config) (echo.MiddlewareFunc, error) {
	var chk check
	switch cfg.Mode {
	case ModeNone:
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }, nil
	case ModeBasic:
		b, err := newBasic(cfg.Users)
		if err != nil {
			return nil, err
		}
		chk = b.check
	case ModeToken:
		chk = tokenCheck(cfg.Tokens)
	case ModeProxy:
		chk = proxyCheck(cfg.ProxyHeader, cfg.ProxyTrusted)
	}
	public := cfg.PublicPaths
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if matchPath(public, c.Request().URL.Path) {
				return next(c)
			}
			user, ok, challenge := chk(c.Request())
			if !ok {
				c.Response().Header().Set("WWW-Authenticate", challenge)
				return echo.NewHTTPError(http.StatusUnauthorized, "authentication required")
			}
			c.Set(userKey, user)
			return next(c)
		}
	}, nil
}

// basic checks Basic credentials against bcrypt hashes. bcrypt is slow on
// purpose (tens of ms); browsers send the credentials with every request,
// so verified credentials are remembered for a while, keyed by a salted
// digest.
type basic struct {
	users map[string][]byte
	dummy []byte // compared for unknown users, so timing does not tell
	salt  [32]byte

	mu   sync.Mutex
	seen map[[32]byte]time.Time // digest -> valid until
}

const (
	basicCacheTTL  = 5 * time.Minute
	basicCacheSize = 1024
)

func newBasic(users map[string][]byte) (*basic, error) {
	b := &basic{users: users, seen: map[[32]byte]time.Time{}}
	rand.Read(b.salt[:])
	cost := bcrypt.DefaultCost
	for _, h := range users { // the users' own cost, so timing does not tell
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

func (b *basic) check(r *http.Request) (string, bool, string) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", false, basicChallenge
	}
	h := sha256.New()
	h.Write(b.salt[:])
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write([]byte(pass))
	var digest [32]byte
	h.Sum(digest[:0])
	now := time.Now()
	b.mu.Lock()
	until, hit := b.seen[digest]
	b.mu.Unlock()
	if hit && now.Before(until) {
		return user, true, ""
	}
	hash, known := b.users[user]
	if !known {
		hash = b.dummy
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pass)) != nil || !known {
		return "", false, basicChallenge
	}
	b.mu.Lock()
	if len(b.seen) >= basicCacheSize {
		clear(b.seen)
	}
	b.seen[digest] = now.Add(basicCacheTTL)
	b.mu.Unlock()
	return user, true, ""
}

// tokenCheck accepts "Authorization: Bearer T" for any configured token,
// comparing digests in constant time and always against every token.
func tokenCheck(tokens []string) check {
	sums := make([][32]byte, len(tokens))
	for i, t := range tokens {
		sums[i] = sha256.Sum256([]byte(t))
	}
	return func(r *http.Request) (string, bool, string) {
		h := r.Header.Get("Authorization")
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "", false, `Bearer realm="eventscope"`
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		match := 0
		for i := range sums {
			match |= subtle.ConstantTimeCompare(got[:], sums[i][:])
		}
		if match != 1 {
			return "", false, `Bearer realm="eventscope", error="invalid_token"`
		}
		return "token", true, ""
	}
}

// proxyCheck takes the user from header, but only on connections from a
// trusted proxy network.
func proxyCheck(header string, trusted []netip.Prefix) check {
	challenge := `TrustedProxy realm="eventscope", header="` + header + `"`
	return func(r *http.Request) (string, bool, string) {
		addr, ok := remoteAddr(r)
		if !ok || !contains(trusted, addr) {
			return "", false, challenge
		}
		user := strings.TrimSpace(r.Header.Get(header))
		if user == "" {
			return "", false, challenge
		}
		return user, true, ""
	}
}

// remoteAddr is the address of the connection's peer.
func remoteAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		a, err := netip.ParseAddr(r.RemoteAddr)
		return a.Unmap(), err == nil
	}
	return ap.Addr().Unmap(), true
}

func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
