package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// hostReq requests path with the given Host (and Origin when set).
func hostReq(e http.Handler, path, host, origin string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	r.Host = host
	r.RemoteAddr = "127.0.0.1:5000"
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

// TestHostCheck: DNS rebinding is refused (issue 17 F3). On loopback only
// loopback names and addresses are served; elsewhere also IP addresses;
// other names only when allowed. Refusals carry no data.
func TestHostCheck(t *testing.T) {
	loop := newServer(t, Config{Hosts: Hosts{Check: true, Loopback: true}})
	wide := newServer(t, Config{Hosts: Hosts{Check: true, Allowed: []string{"tracer.example.com", ".corp.example"}}})
	star := newServer(t, Config{Hosts: Hosts{Check: true, Allowed: []string{"*"}}})
	off := newServer(t, Config{})
	tests := []struct {
		srv        http.Handler
		name, host string
		want       int
	}{
		{loop, "loopback ip", "127.0.0.1:8080", 200},
		{loop, "loopback ip 2", "127.1.2.3:8080", 200},
		{loop, "ipv6 loopback", "[::1]:8080", 200},
		{loop, "localhost", "localhost:8080", 200},
		{loop, "LOCALHOST.", "LOCALHOST.:8080", 200},
		{loop, "sub.localhost", "app.localhost:8080", 200},
		{loop, "rebinding name", "evil.example:8080", 421},
		{loop, "lan ip", "192.168.1.5:8080", 421},
		{loop, "no port", "evil.example", 421},
		{loop, "empty", "", 421},
		{loop, "localhost lookalike", "localhost.evil.example:8080", 421},
		{wide, "allowed name", "tracer.example.com", 200},
		{wide, "allowed suffix", "a.corp.example:443", 200},
		{wide, "bare suffix is not a subdomain", "corp.example", 421},
		{wide, "any ip", "10.1.2.3:8080", 200},
		{wide, "other name", "evil.example", 421},
		{star, "star", "evil.example", 200},
		{off, "check off", "evil.example", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := hostReq(tt.srv, "/api/flows", tt.host, "")
			if w.Code != tt.want {
				t.Fatalf("Host %q: %d, want %d", tt.host, w.Code, tt.want)
			}
			if tt.want == 421 && strings.Contains(w.Body.String(), "ok") {
				t.Errorf("421 carries the handler's body: %q", w.Body)
			}
		})
	}
}

// TestOriginCheck: the JSON API and the live stream refuse a request whose
// Origin names a host that is not served; pages and same-origin requests
// (no Origin) pass.
func TestOriginCheck(t *testing.T) {
	e := newServer(t, Config{Hosts: Hosts{Check: true, Loopback: true}})
	tests := []struct {
		path, origin string
		want         int
	}{
		{"/api/flows", "", 200},
		{"/api/flows", "http://127.0.0.1:8080", 200},
		{"/api/flows", "http://localhost:3000", 200},
		{"/api/flows", "https://evil.example", 403},
		{"/api/live", "https://evil.example", 403},
		{"/api/flows", "null", 403},
		{"/api/flows", "file://", 403},
		{"/", "https://evil.example", 200}, // a page: a link or form from elsewhere is fine
	}
	for _, tt := range tests {
		if w := hostReq(e, tt.path, "127.0.0.1:8080", tt.origin); w.Code != tt.want {
			t.Errorf("%s with Origin %q: %d, want %d", tt.path, tt.origin, w.Code, tt.want)
		}
	}
}
