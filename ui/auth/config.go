package auth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Modes of Config.Mode.
const (
	ModeNone  = "none"
	ModeBasic = "basic"
	ModeToken = "token"
	ModeProxy = "proxy"
)

// Defaults of Config.
const (
	DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	DefaultProxyHeader    = "X-Forwarded-User"
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 30 * time.Second
	DefaultSearchRate     = 5.0
	DefaultSearchBurst    = 20
	// MinTokenLength keeps bearer tokens out of guessing range.
	MinTokenLength = 16
)

// Default path lists of Config.
var (
	DefaultPublicPaths    = []string{"/healthz", "/readyz"}
	DefaultNoTimeoutPaths = []string{"/api/live"} // Server-Sent Events stream for as long as the client stays
	DefaultRateLimitPaths = []string{"/search", "/api/flows"}
)

// Config sets up the middleware. The zero value (plus a Mode) takes the
// defaults; lists that are nil take their defaults, empty non-nil lists
// stay empty.
type Config struct {
	// Mode is ModeNone, ModeBasic, ModeToken or ModeProxy.
	Mode string
	// Users maps user names to bcrypt hashes (ModeBasic); see ParseHtpasswd.
	Users map[string][]byte
	// Tokens are the accepted bearer tokens (ModeToken); see ParseTokens.
	Tokens []string
	// ProxyHeader names the header carrying the user (ModeProxy).
	ProxyHeader string
	// ProxyTrusted are the networks the proxy connects from (ModeProxy);
	// requests from elsewhere are refused. Also used to read the client
	// address from X-Forwarded-For for the rate limit.
	ProxyTrusted []netip.Prefix
	// PublicPaths are served without authentication: exact paths, or
	// prefixes ending in "*". Default: /healthz and /readyz (so /metrics
	// is protected unless listed).
	PublicPaths []string
	// CSP is the Content-Security-Policy; "" means DefaultCSP.
	CSP string
	// MaxBodyBytes bounds request bodies (413 beyond); 0 means the default.
	MaxBodyBytes int64
	// RequestTimeout is the deadline put on each request's context; 0 means
	// the default, negative means none.
	RequestTimeout time.Duration
	// NoTimeoutPaths are exempt from RequestTimeout (streams); exact paths
	// or prefixes ending in "*".
	NoTimeoutPaths []string
	// SearchRate (requests per second) and SearchBurst size the token
	// bucket of each client address on RateLimitPaths; SearchRate < 0
	// disables the limit, 0 means the default.
	SearchRate     float64
	SearchBurst    int
	RateLimitPaths []string
	// Hosts are the Host and Origin names served (DNS rebinding).
	Hosts Hosts
	// Now is the clock of the rate limiter; nil means time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Mode == "" {
		c.Mode = ModeNone
	}
	if c.ProxyHeader == "" {
		c.ProxyHeader = DefaultProxyHeader
	}
	if c.PublicPaths == nil {
		c.PublicPaths = DefaultPublicPaths
	}
	if c.CSP == "" {
		c.CSP = DefaultCSP
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.NoTimeoutPaths == nil {
		c.NoTimeoutPaths = DefaultNoTimeoutPaths
	}
	if c.SearchRate == 0 {
		c.SearchRate = DefaultSearchRate
	}
	if c.SearchBurst <= 0 {
		c.SearchBurst = DefaultSearchBurst
	}
	if c.RateLimitPaths == nil {
		c.RateLimitPaths = DefaultRateLimitPaths
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c Config) validate() error {
	switch c.Mode {
	case ModeNone:
	case ModeBasic:
		if len(c.Users) == 0 {
			return errors.New("auth basic: no users (give an htpasswd file with bcrypt entries: htpasswd -B -c FILE USER)")
		}
	case ModeToken:
		if len(c.Tokens) == 0 {
			return errors.New("auth token: no tokens (set TRACER_AUTH_TOKEN or --auth-token-file)")
		}
		for i, t := range c.Tokens {
			if len(t) < MinTokenLength {
				return fmt.Errorf("auth token: token %d is shorter than %d characters (make one with `openssl rand -hex 32`)", i+1, MinTokenLength)
			}
		}
	case ModeProxy:
		if len(c.ProxyTrusted) == 0 {
			return errors.New("auth proxy: no trusted proxy networks (--auth-proxy-trusted 10.0.0.5/32)")
		}
	default:
		return fmt.Errorf("auth mode %q: want none, basic, token or proxy", c.Mode)
	}
	return nil
}

// ParseHtpasswd reads "user:hash" lines (blank lines and # comments
// skipped). Only bcrypt hashes ($2a$, $2b$, $2y$; `htpasswd -B`) are
// accepted: MD5, SHA1 and crypt entries are errors naming their line.
func ParseHtpasswd(r io.Reader) (map[string][]byte, error) {
	users := map[string][]byte{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, hash, ok := strings.Cut(line, ":")
		if !ok || user == "" || hash == "" {
			return nil, fmt.Errorf("htpasswd line %d: want user:hash", n)
		}
		if !strings.HasPrefix(hash, "$2a$") && !strings.HasPrefix(hash, "$2b$") && !strings.HasPrefix(hash, "$2y$") {
			return nil, fmt.Errorf("htpasswd line %d (user %q): not a bcrypt hash; only bcrypt is accepted (create entries with htpasswd -B)", n, user)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("htpasswd line %d (user %q): bad bcrypt hash: %w", n, user, err)
		}
		if _, dup := users[user]; dup {
			return nil, fmt.Errorf("htpasswd line %d: user %q appears twice", n, user)
		}
		users[user] = []byte(hash)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read htpasswd: %w", err)
	}
	if len(users) == 0 {
		return nil, errors.New("htpasswd: no users")
	}
	return users, nil
}

// ParseTokens splits tokens given one per line (a file) or comma-separated
// (an environment variable); blank entries and # comment lines are skipped.
func ParseTokens(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, t := range strings.Split(line, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// ParsePrefixes reads comma-separated CIDRs or single addresses.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q: want a CIDR (10.0.0.0/8) or an address", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q: want a CIDR (10.0.0.0/8) or an address", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// matchPath reports whether path is one of patterns (exact, or a prefix
// when the pattern ends in "*").
func matchPath(patterns []string, path string) bool {
	for _, p := range patterns {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(path, prefix) {
				return true
			}
		} else if p == path {
			return true
		}
	}
	return false
}
