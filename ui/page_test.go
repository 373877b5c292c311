package ui

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/static"
)

func TestPagesStatusAndRoot(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		target string
		status int
		root   string // data-testid that must be present
	}{
		{"/", 200, "dashboard"},
		{"/search", 200, "search-help"},
		{"/search?q=*", 200, "flow-list"},
		{"/search?q=nothing", 200, "search-empty"},
		{"/flows/ord-1", 200, "flow-page"},
		{"/flows/key:cust%2F42", 200, "flow-page"},
		{"/flows/key:cust/42", 200, "flow-page"},
		{FlowURL("tenant/a b%2F?#x"), 200, "flow-page"},
		{"/events/e3", 200, "event-page"},
		{EventURL("payments.DLT/0/3"), 200, "event-page"},
		{"/services", 200, "coming"},
		{"/live", 200, "coming"},
		{"/flows/nope", 404, "error-page"},
		{"/events/nope", 404, "error-page"},
		{"/no/such/page", 404, "error-page"},
		{"/search?q=type:", 400, "error-page"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			rec := ts.get(t, tc.target)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %.300s", rec.Code, tc.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=UTF-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			doc := parseHTML(t, rec.Body.String())
			if doc.Find(`[data-testid="`+tc.root+`"]`).Length() != 1 {
				t.Errorf("no single [data-testid=%s] in %.500s", tc.root, rec.Body)
			}
			if doc.Find(`[data-testid="nav"]`).Length() != 1 {
				t.Error("page has no nav")
			}
		})
	}
}

func TestErrorPageBody(t *testing.T) {
	ts := newTestServer(t, Options{})
	doc := parseHTML(t, ts.get(t, "/flows/nope").Body.String())
	if got := texts(doc, `[data-testid="error-message"]`); !cmp.Equal(got, []string{`flow "nope": not found`}) {
		t.Errorf("message = %q", got)
	}
	if got := attrs(doc, `[data-testid="error-page"]`, "data-status"); !cmp.Equal(got, []string{"404"}) {
		t.Errorf("data-status = %q", got)
	}
}

func TestStoreFailureIs500AndLoggedOnce(t *testing.T) {
	for _, target := range []string{"/", "/flows/ord-1", "/api/flows", "/api/events/e1"} {
		t.Run(target, func(t *testing.T) {
			st := newFakeStore(allFixtures()...)
			st.err = errors.New("disk on fire at /var/secret")
			ts := newTestServer(t, Options{Store: st})
			rec := ts.get(t, target)
			if rec.Code != 500 {
				t.Fatalf("status = %d, want 500", rec.Code)
			}
			if strings.Contains(rec.Body.String(), "disk on fire") {
				t.Error("response leaks the internal error")
			}
			if !strings.Contains(rec.Body.String(), "internal server error") {
				t.Errorf("body = %.300s", rec.Body)
			}
			if n := strings.Count(ts.log.String(), "request failed"); n != 1 {
				t.Errorf("logged %d times, want once:\n%s", n, ts.log)
			}
			if !strings.Contains(ts.log.String(), "disk on fire") {
				t.Errorf("log lacks the cause:\n%s", ts.log)
			}
		})
	}
}

func TestPanicIs500AndLogged(t *testing.T) {
	st := newFakeStore(allFixtures()...)
	st.panic = true
	ts := newTestServer(t, Options{Store: st})
	rec := ts.get(t, "/api/flows/ord-1")
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"error":"internal server error"`) {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	if n := strings.Count(ts.log.String(), "fake store exploded"); n != 1 {
		t.Errorf("panic logged %d times:\n%s", n, ts.log)
	}
}

func TestSearchRedirects(t *testing.T) {
	// two flows whose events share the Kafka key "shared"
	s1, s2 := ev("s1", "shared-1", "", "A", "s", "t", 0, 1, 0), ev("s2", "shared-2", "", "A", "s", "t", 0, 2, 0)
	s1.Key, s2.Key = "shared", "shared"
	ts := newTestServer(t, Options{Store: newFakeStore(append(allFixtures(), s1, s2)...)})
	tests := []struct {
		q, location string
	}{
		{"ord-1", "/flows/ord-1"},
		{"  ord-1  ", "/flows/ord-1"},
		{"e3", "/flows/ord-1?event=e3#event-e3"},
		{"payments.DLT/0/3", "/flows/key:cust%2F42?event=payments.DLT%2F0%2F3#event-payments.DLT%2F0%2F3"},
		{"cust/42", "/flows/key:cust%2F42"},     // a key of one flow
		{"key:cust/42", "/flows/key:cust%2F42"}, // a fallback flow ID
		{"odd/2", FlowEventURL("tenant/a b%2F?#x", "odd/2")},
		{"shared", ""},  // a key of two flows: listed
		{"nothing", ""}, // no match: listed (empty)
		{"type:Odd", ""},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			rec := ts.get(t, SearchURL(tc.q))
			if tc.location == "" {
				if rec.Code != 200 {
					t.Fatalf("status = %d, want 200 list", rec.Code)
				}
				return
			}
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tc.location {
				t.Errorf("got %d Location %q, want 303 %q", rec.Code, rec.Header().Get("Location"), tc.location)
			}
			// the redirect target serves
			if got := ts.get(t, strings.SplitN(tc.location, "#", 2)[0]); got.Code != 200 {
				t.Errorf("GET %s = %d", tc.location, got.Code)
			}
		})
	}
	doc := parseHTML(t, ts.get(t, SearchURL("shared")).Body.String())
	if got := attrs(doc, `[data-testid="flow-row"]`, "data-flow-id"); !cmp.Equal(got, []string{"shared-2", "shared-1"}) {
		t.Errorf("key shared lists %q", got)
	}
}

func TestSearchPagination(t *testing.T) {
	ts := newTestServer(t, Options{})
	doc := parseHTML(t, ts.get(t, "/search?q=*").Body.String())
	if n := doc.Find(`[data-testid="flow-row"]`).Length(); n != 4 {
		t.Errorf("* lists %d flows, want 4", n)
	}
	if doc.Find(`[data-testid="next-page"]`).Length() != 0 {
		t.Error("next link on the only page")
	}
}

func TestHTMXPartial(t *testing.T) {
	ts := newTestServer(t, Options{})
	target := "/flows/ord-1?event=e3"
	rec := ts.get(t, target, "HX-Request", "true", "HX-Target", "event-detail")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, `<section id="event-detail"`) || strings.Contains(body, "<html") {
		t.Errorf("partial is not just the detail panel: %.200s", body)
	}
	doc := parseHTML(t, body)
	if got := texts(doc, `[data-testid="detail-event-id"]`); !cmp.Equal(got, []string{"e3"}) {
		t.Errorf("partial shows %q", got)
	}
	if !strings.Contains(rec.Header().Get("Vary"), "HX-Request") {
		t.Errorf("Vary = %q", rec.Header().Get("Vary"))
	}
	// the same URL without htmx, and on a history restore, is the full page
	for _, hdr := range [][]string{nil, {"HX-Request", "true", "HX-Target", "event-detail", "HX-History-Restore-Request", "true"}} {
		full := ts.get(t, target, hdr...).Body.String()
		if !strings.Contains(full, "<html") || !strings.Contains(full, `data-testid="event-tree"`) {
			t.Errorf("with headers %q: not the full page", hdr)
		}
	}
}

func TestStaticServedAndLinked(t *testing.T) {
	ts := newTestServer(t, Options{})
	doc := parseHTML(t, ts.get(t, "/").Body.String())
	css := attrs(doc, `link[rel=stylesheet]`, "href")
	js := attrs(doc, `script[src]`, "src")
	if !cmp.Equal(css, []string{static.Path("app.css")}) || !cmp.Equal(js, []string{static.Path("htmx.min.js"), static.Path("app.js")}) {
		t.Fatalf("assets linked: %q %q", css, js)
	}
	for _, p := range append(css, js...) {
		rec := ts.get(t, p)
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s = %d, Cache-Control %q", p, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
}
