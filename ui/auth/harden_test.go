package auth

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock is a settable clock for the rate limiter.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }

func TestRateLimit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newServer(t, Config{SearchRate: 0.5, SearchBurst: 3, Now: clock.now})
	const a, b = "192.0.2.1:1000", "192.0.2.2:1000"
	for i := range 3 {
		if w := do(e, "GET", "/search?q=x", a, nil); w.Code != 200 {
			t.Fatalf("search %d within the burst: %d", i+1, w.Code)
		}
	}
	w := do(e, "GET", "/api/flows", a, nil)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "2" {
		t.Fatalf("4th search: %d Retry-After %q, want 429 and 2 (seconds for one token at 0.5/s)", w.Code, w.Header().Get("Retry-After"))
	}
	if w := do(e, "GET", "/api/flows/x", a, nil); w.Code != 200 {
		t.Errorf("a flow lookup is not a search: %d", w.Code)
	}
	if w := do(e, "GET", "/", a, nil); w.Code != 200 {
		t.Errorf("dashboard is not limited: %d", w.Code)
	}
	if w := do(e, "GET", "/search", b, nil); w.Code != 200 {
		t.Errorf("another client has its own bucket: %d", w.Code)
	}
	clock.t = clock.t.Add(2 * time.Second)
	if w := do(e, "GET", "/search", a, nil); w.Code != 200 {
		t.Errorf("after the refill: %d", w.Code)
	}
	if w := do(e, "GET", "/search", a, nil); w.Code != 429 {
		t.Errorf("refill gave one token only, second: %d", w.Code)
	}
	if w := do(newServer(t, Config{SearchRate: -1}), "GET", "/search", a, nil); w.Code != 200 {
		t.Errorf("disabled limit: %d", w.Code)
	}
}

func TestClientAddrBehindProxy(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		remote, xff, want string
	}{
		{"192.0.2.9:1", "198.51.100.1", "192.0.2.9"}, // untrusted peer: its header is ignored
		{"10.0.0.2:1", "198.51.100.1, 10.0.0.7", "198.51.100.1"},
		{"10.0.0.2:1", "203.0.113.5, 198.51.100.1", "198.51.100.1"}, // the rightmost untrusted hop
		{"10.0.0.2:1", "", "10.0.0.2"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/search", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientAddr(r, trusted).String(); got != tt.want {
			t.Errorf("remote %s XFF %q: client %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
}

func TestCrossOriginProtection(t *testing.T) {
	e := newServer(t, Config{})
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		want    int
	}{
		{"cross-site post", "POST", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site post", "POST", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"same-origin post", "POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"foreign origin", "POST", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"own origin", "POST", map[string]string{"Origin": "http://tracer.example"}, http.StatusOK},
		{"no browser headers", "POST", nil, http.StatusOK},
		{"cross-site get is safe", "GET", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusOK},
	}
	for _, tt := range tests {
		path := "/api/thing"
		if tt.method == "GET" {
			path = "/"
		}
		if w := do(e, tt.method, path, "127.0.0.1:1", tt.headers); w.Code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, w.Code, tt.want)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	e := newServer(t, Config{MaxBodyBytes: 10})
	for _, tt := range []struct {
		body          string
		chunked, want int
	}{
		{body: "12345", want: 200},
		{body: strings.Repeat("x", 11), want: http.StatusRequestEntityTooLarge},
		{body: strings.Repeat("x", 11), chunked: 1, want: http.StatusRequestEntityTooLarge},
	} {
		r := httptest.NewRequest("POST", "/api/thing", strings.NewReader(tt.body))
		if tt.chunked == 1 {
			r.ContentLength = -1 // unknown length: caught while reading
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		if w.Code != tt.want {
			t.Errorf("body of %d bytes (chunked %v): %d, want %d", len(tt.body), tt.chunked == 1, w.Code, tt.want)
		}
	}
}

func TestTimeoutExemptsStreams(t *testing.T) {
	e := newServer(t, Config{RequestTimeout: time.Minute})
	if got := do(e, "GET", "/deadline", "127.0.0.1:1", nil).Body.String(); got != "deadline" {
		t.Errorf("/deadline: %q, want a request deadline", got)
	}
	if got := do(e, "GET", "/api/live", "127.0.0.1:1", nil).Body.String(); got != "none" {
		t.Errorf("/api/live: %q, want no deadline on the SSE stream", got)
	}
	if got := do(newServer(t, Config{RequestTimeout: -1}), "GET", "/deadline", "127.0.0.1:1", nil).Body.String(); got != "none" {
		t.Errorf("timeout disabled: %q", got)
	}
}

func TestParseHtpasswd(t *testing.T) {
	h := string(hash(t, "pw"))
	users, err := ParseHtpasswd(strings.NewReader("# users\n\nalice:" + h + "\nbob:" + strings.Replace(h, "$2a$", "$2y$", 1) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || string(users["alice"]) != h {
		t.Errorf("users = %v", users)
	}
	for _, tt := range []struct{ file, want string }{
		{"carol:$apr1$abc$def\n", `line 1 (user "carol"): not a bcrypt hash`},
		{"dave:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", "only bcrypt is accepted"},
		{"erin:plaintext\n", "not a bcrypt hash"},
		{"frank\n", "line 1: want user:hash"},
		{"gina:$2y$10$short\n", "bad bcrypt hash"},
		{"alice:" + h + "\nalice:" + h + "\n", `user "alice" appears twice`},
		{"# nobody\n", "no users"},
	} {
		if _, err := ParseHtpasswd(strings.NewReader(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHtpasswd(%q): err = %v, want %q", tt.file, err, tt.want)
		}
	}
}

func TestParseTokensAndPrefixes(t *testing.T) {
	if diff := cmp.Diff([]string{"a", "b", "c"}, ParseTokens("# comment\na, b\n\n c \n")); diff != "" {
		t.Errorf("ParseTokens (-want +got):\n%s", diff)
	}
	got, err := ParsePrefixes("10.0.0.0/8, 192.168.1.7 ,::1, 172.16.5.4/12")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("172.16.0.0/12"),
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("ParsePrefixes (-want +got):\n%s", diff)
	}
	if _, err := ParsePrefixes("10.0.0.0/33"); err == nil {
		t.Error("ParsePrefixes(10.0.0.0/33): want an error")
	}
}
