package auth

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// newServer is an echo server with cfg's middleware and one route per
// kind of path the UI has. /deadline answers whether the request context
// has a deadline.
func newServer(t *testing.T, cfg Config) *echo.Echo {
	t.Helper()
	mws, err := Middleware(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.Use(mws...)
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok "+User(c)) }
	for _, p := range []string{"/", "/healthz", "/readyz", "/metrics", "/search", "/api/flows", "/api/flows/x"} {
		e.GET(p, ok)
	}
	deadline := func(c echo.Context) error {
		_, has := c.Request().Context().Deadline()
		return c.String(http.StatusOK, map[bool]string{true: "deadline", false: "none"}[has])
	}
	e.GET("/deadline", deadline)
	e.GET("/api/live", deadline)
	e.POST("/api/thing", func(c echo.Context) error {
		b, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, err.Error())
		}
		return c.String(http.StatusOK, "read "+string(rune('0'+len(b)%10)))
	})
	return e
}

// do sends one request from remote (host:port) with the given headers.
func do(e http.Handler, method, path, remote string, headers map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://tracer.example"+path, nil)
	r.RemoteAddr = remote
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

func hash(t *testing.T, pass string) []byte {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func basicHeader(user, pass string) map[string]string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pass)
	return map[string]string{"Authorization": r.Header.Get("Authorization")}
}

const goodToken = "0123456789abcdef0123456789abcdef"

func TestAuthModes(t *testing.T) {
	users := map[string][]byte{"alice": hash(t, "wonderland")}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name       string
		cfg        Config
		remote     string
		headers    map[string]string
		path       string
		wantStatus int
		wantBody   string
		wantChall  string // prefix of WWW-Authenticate on 401
	}{
		{name: "none", cfg: Config{Mode: ModeNone}, path: "/", wantStatus: 200, wantBody: "ok "},
		{name: "basic missing", cfg: Config{Mode: ModeBasic, Users: users}, path: "/", wantStatus: 401, wantChall: "Basic realm="},
		{name: "basic good", cfg: Config{Mode: ModeBasic, Users: users}, path: "/", headers: basicHeader("alice", "wonderland"), wantStatus: 200, wantBody: "ok alice"},
		{name: "basic bad password", cfg: Config{Mode: ModeBasic, Users: users}, path: "/", headers: basicHeader("alice", "nope"), wantStatus: 401, wantChall: "Basic"},
		{name: "basic unknown user", cfg: Config{Mode: ModeBasic, Users: users}, path: "/", headers: basicHeader("mallory", "wonderland"), wantStatus: 401, wantChall: "Basic"},
		{name: "basic public healthz", cfg: Config{Mode: ModeBasic, Users: users}, path: "/healthz", wantStatus: 200},
		{name: "basic public readyz", cfg: Config{Mode: ModeBasic, Users: users}, path: "/readyz", wantStatus: 200},
		{name: "basic metrics protected", cfg: Config{Mode: ModeBasic, Users: users}, path: "/metrics", wantStatus: 401, wantChall: "Basic"},
		{name: "basic metrics public", cfg: Config{Mode: ModeBasic, Users: users, PublicPaths: []string{"/healthz", "/metrics"}}, path: "/metrics", wantStatus: 200},
		{name: "basic nothing public", cfg: Config{Mode: ModeBasic, Users: users, PublicPaths: []string{}}, path: "/healthz", wantStatus: 401, wantChall: "Basic"},
		{name: "token missing", cfg: Config{Mode: ModeToken, Tokens: []string{goodToken}}, path: "/api/flows", wantStatus: 401, wantChall: "Bearer realm="},
		{name: "token good", cfg: Config{Mode: ModeToken, Tokens: []string{"another-token-of-32-characters!!", goodToken}}, path: "/api/flows", headers: map[string]string{"Authorization": "Bearer " + goodToken}, wantStatus: 200, wantBody: "ok token"},
		{name: "token lower-case scheme", cfg: Config{Mode: ModeToken, Tokens: []string{goodToken}}, path: "/", headers: map[string]string{"Authorization": "bearer " + goodToken}, wantStatus: 200},
		{name: "token bad", cfg: Config{Mode: ModeToken, Tokens: []string{goodToken}}, path: "/", headers: map[string]string{"Authorization": "Bearer " + goodToken[1:]}, wantStatus: 401, wantChall: `Bearer realm="eventscope", error="invalid_token"`},
		{name: "token as basic", cfg: Config{Mode: ModeToken, Tokens: []string{goodToken}}, path: "/", headers: basicHeader("x", goodToken), wantStatus: 401, wantChall: "Bearer"},
		{name: "proxy trusted", cfg: Config{Mode: ModeProxy, ProxyTrusted: trusted}, remote: "10.1.2.3:5555", path: "/", headers: map[string]string{"X-Forwarded-User": "bob"}, wantStatus: 200, wantBody: "ok bob"},
		{name: "proxy untrusted", cfg: Config{Mode: ModeProxy, ProxyTrusted: trusted}, remote: "192.0.2.1:5555", path: "/", headers: map[string]string{"X-Forwarded-User": "bob"}, wantStatus: 401, wantChall: "TrustedProxy"},
		{name: "proxy no user", cfg: Config{Mode: ModeProxy, ProxyTrusted: trusted}, remote: "10.1.2.3:5555", path: "/", wantStatus: 401, wantChall: "TrustedProxy"},
		{name: "proxy custom header", cfg: Config{Mode: ModeProxy, ProxyTrusted: trusted, ProxyHeader: "X-Auth-Request-User"}, remote: "[::ffff:10.0.0.1]:1", path: "/", headers: map[string]string{"X-Auth-Request-User": "carol", "X-Forwarded-User": "bob"}, wantStatus: 200, wantBody: "ok carol"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newServer(t, tt.cfg)
			remote := tt.remote
			if remote == "" {
				remote = "127.0.0.1:40000"
			}
			for range 2 { // twice: the basic cache must not change the answer
				w := do(e, "GET", tt.path, remote, tt.headers)
				if w.Code != tt.wantStatus {
					t.Fatalf("status %d, want %d (body %q)", w.Code, tt.wantStatus, w.Body.String())
				}
				if tt.wantBody != "" && w.Body.String() != tt.wantBody {
					t.Errorf("body %q, want %q", w.Body.String(), tt.wantBody)
				}
				if got := w.Header().Get("WWW-Authenticate"); tt.wantStatus == 401 && !strings.HasPrefix(got, tt.wantChall) {
					t.Errorf("WWW-Authenticate %q, want prefix %q", got, tt.wantChall)
				}
				if w.Header().Get("Content-Security-Policy") != DefaultCSP {
					t.Errorf("CSP %q on a %d", w.Header().Get("Content-Security-Policy"), w.Code)
				}
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	w := do(newServer(t, Config{}), "GET", "/", "127.0.0.1:1", nil)
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"mode", Config{Mode: "ldap"}, `auth mode "ldap"`},
		{"basic without users", Config{Mode: ModeBasic}, "no users"},
		{"token without tokens", Config{Mode: ModeToken}, "no tokens"},
		{"short token", Config{Mode: ModeToken, Tokens: []string{"short"}}, "shorter than 16"},
		{"proxy without networks", Config{Mode: ModeProxy}, "no trusted proxy networks"},
	}
	for _, tt := range tests {
		if _, err := Middleware(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}
