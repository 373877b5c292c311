package auth

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Hosts says which Host (and Origin) names are served: the defence against
// DNS rebinding, where a web page a developer visits resolves its own name
// to 127.0.0.1 and reads the tracer as if it were same-origin. A browser
// always sends the page's name as Host, so refusing names that are not
// ours refuses the attack.
type Hosts struct {
	// Check turns the checks on.
	Check bool
	// Loopback is set when the server listens on loopback only: then only
	// loopback addresses and "localhost" names are served (plus Allowed).
	// Otherwise any IP address is served too (a browser sends an address
	// only when the user typed it), and names must be allowed.
	Loopback bool
	// Allowed are host names also served: exact (tracer.example.com), a
	// suffix starting with "." for every subdomain (.example.com), or "*"
	// for any host (turns the Host check off).
	Allowed []string
}

// allows reports whether host (a Host header or an Origin's host, with or
// without a port) is served.
func (h Hosts) allows(host string) bool {
	name := strings.ToLower(strings.TrimSuffix(hostOnly(host), "."))
	if name == "" {
		return false
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	if a, err := netip.ParseAddr(name); err == nil {
		if a.Unmap().IsLoopback() || !h.Loopback {
			return true
		}
	}
	for _, p := range h.Allowed {
		p = strings.ToLower(strings.TrimSuffix(p, "."))
		switch {
		case p == "*" || p == name:
			return true
		case strings.HasPrefix(p, ".") && strings.HasSuffix(name, p):
			return true
		}
	}
	return false
}

// hostOnly strips a port and IPv6 brackets.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// hostCheck answers 421 Misdirected Request, with no data, to a request
// whose Host is not served, and 403 to a request to the JSON API, the live
// stream or an export whose Origin (sent by browsers on cross-origin
// fetches and EventSource) names a host that is not served.
func hostCheck(h Hosts) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !h.allows(r.Host) {
				return c.String(http.StatusMisdirectedRequest, "misdirected request: this server does not serve host "+
					quoteHost(r.Host)+" (see --allowed-hosts)\n")
			}
			if o := r.Header.Get("Origin"); o != "" && originChecked(r.URL.Path) && !h.allowsOrigin(o) {
				return echo.NewHTTPError(http.StatusForbidden, "cross-origin request refused: origin not allowed (see --allowed-hosts)")
			}
			return next(c)
		}
	}
}

// originChecked: the paths that answer data to scripts.
func originChecked(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasSuffix(path, "/export")
}

func (h Hosts) allowsOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null" (sandboxed frames, file: pages)
	}
	return h.allows(u.Host)
}

// quoteHost shows at most 100 bytes of a Host header, quoted.
func quoteHost(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if r < ' ' || r == '"' || r == 0x7f {
			return '?'
		}
		return r
	}, s), "?") + `"`
}
