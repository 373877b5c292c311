package static

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestPathIsContentHashed(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "htmx.min.js"} {
		p := Path(name)
		base := strings.TrimSuffix(name, name[strings.LastIndex(name, "."):])
		re := regexp.MustCompile(`^/static/` + regexp.QuoteMeta(base) + `\.[0-9a-f]{10}\.(css|js)$`)
		if !re.MatchString(p) {
			t.Errorf("Path(%q) = %q, want %s", name, p, re)
		}
	}
}

func TestPathPanicsOnUnknownAsset(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Path(nope.css) did not panic")
		}
	}()
	Path("nope.css")
}

func TestHandler(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, method, path string
		status             int
		ctype, cache       string
		bodyHas            string
	}{
		{"hashed css", "GET", Path("app.css"), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", "--mono"},
		{"hashed htmx", "GET", Path("htmx.min.js"), 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "htmx"},
		{"plain name", "GET", "/static/app.css", 200, "text/css; charset=utf-8", "no-cache", "--mono"},
		{"stale hash", "GET", "/static/app.0000000000.css", 404, "", "", ""},
		{"unknown", "GET", "/static/other.js", 404, "", "", ""},
		{"directory", "GET", "/static/", 404, "", "", ""},
		{"head", "HEAD", Path("app.css"), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", ""},
		{"post", "POST", Path("app.css"), 405, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if tc.status != 200 {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tc.ctype)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tc.cache)
			}
			if !strings.Contains(rec.Body.String(), tc.bodyHas) {
				t.Errorf("body lacks %q", tc.bodyHas)
			}
		})
	}
}

func TestHandlerConditionalGet(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", Path("app.css"), nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", Path("app.css"), nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("conditional GET status = %d, want 304", rec.Code)
	}
}

func TestHtmxIsPinned2011(t *testing.T) {
	body, err := files.ReadFile("htmx.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `version:"2.0.11"`) {
		t.Errorf("htmx.min.js is not htmx 2.0.11 (see static/README.md)")
	}
}

func TestPanzoomIsPinned462(t *testing.T) {
	body, err := files.ReadFile("panzoom.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "Panzoom 4.6.2 ") {
		t.Errorf("panzoom.min.js is not @panzoom/panzoom 4.6.2 (see static/README.md)")
	}
}
