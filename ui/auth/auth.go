package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
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
// WWW-Authenticate challenge to send (401), or with retryAfter set when the
// client must wait before trying again (429).
type check func(r *http.Request) (user string, ok bool, challenge string, retryAfter time.Duration)

func authenticator(cfg Config) (echo.MiddlewareFunc, error) {
	var chk check
	switch cfg.Mode {
	case ModeNone:
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }, nil
	case ModeBasic:
		b, err := newBasic(cfg)
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
			user, ok, challenge, retryAfter := chk(c.Request())
			if !ok && retryAfter > 0 {
				c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
				return echo.NewHTTPError(http.StatusTooManyRequests, "too many failed logins from this address; retry later")
			}
			if !ok {
				c.Response().Header().Set("WWW-Authenticate", challenge)
				return echo.NewHTTPError(http.StatusUnauthorized, "authentication required")
			}
			c.Set(userKey, user)
			return next(c)
		}
	}, nil
}

// tokenCheck accepts "Authorization: Bearer T" for any configured token,
// comparing digests in constant time and always against every token.
func tokenCheck(tokens []string) check {
	sums := make([][32]byte, len(tokens))
	for i, t := range tokens {
		sums[i] = sha256.Sum256([]byte(t))
	}
	return func(r *http.Request) (string, bool, string, time.Duration) {
		h := r.Header.Get("Authorization")
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "", false, `Bearer realm="eventscope"`, 0
		}
		got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		match := 0
		for i := range sums {
			match |= subtle.ConstantTimeCompare(got[:], sums[i][:])
		}
		if match != 1 {
			return "", false, `Bearer realm="eventscope", error="invalid_token"`, 0
		}
		return "token", true, "", 0
	}
}

// proxyCheck takes the user from header, but only on connections from a
// trusted proxy network.
func proxyCheck(header string, trusted []netip.Prefix) check {
	challenge := `TrustedProxy realm="eventscope", header="` + header + `"`
	return func(r *http.Request) (string, bool, string, time.Duration) {
		addr, ok := remoteAddr(r)
		if !ok || !contains(trusted, addr) {
			return "", false, challenge, 0
		}
		user := strings.TrimSpace(r.Header.Get(header))
		if user == "" {
			return "", false, challenge, 0
		}
		return user, true, "", 0
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
