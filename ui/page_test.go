package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/static"
	"github.com/eventscope/eventscope/store"
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
		{"/services", 200, "services"},
		{"/live", 200, "live-page"},
		{"/flows/key:cust%2F42/replay", 200, "replay-page"},
		{"/flows/ord-1%2Freplay", 404, "error-page"}, // the flow named "ord-1/replay"
		{"/flows/", 400, "error-page"},
		{"/flows/nope", 404, "error-page"},
		{"/events/nope", 404, "error-page"},
		{"/no/such/page", 404, "error-page"},
		{"/search?q=type:", 400, "search-error"},
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

func TestHEAD(t *testing.T) {
	ts := newTestServer(t, Options{})
	for target, status := range map[string]int{"/healthz": 200, "/readyz": 200, "/flows/ord-1": 200, "/api/flows": 200, "/flows/nope": 404} {
		req := httptest.NewRequest(http.MethodHead, target, nil)
		rec := httptest.NewRecorder()
		ts.h.ServeHTTP(rec, req)
		if rec.Code != status {
			t.Errorf("HEAD %s = %d, want %d", target, rec.Code, status)
		}
	}
}

func TestSearchNextPage(t *testing.T) {
	var evs []event.Event
	for i := range store.DefaultLimit + 5 {
		evs = append(evs, ev(fmt.Sprintf("e%03d", i), fmt.Sprintf("flow-%03d", i), "", "T", "s", "t", 0, int64(i), i))
	}
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	doc := parseHTML(t, ts.get(t, SearchURL("*")).Body.String())
	rows := attrs(doc, `[data-testid="flow-row"]`, "data-flow-id")
	next := attrs(doc, `[data-testid="next-page"]`, "href")
	if len(rows) != store.DefaultLimit || rows[0] != "flow-054" || len(next) != 1 {
		t.Fatalf("first page: %d rows from %q, next %q", len(rows), rows[0], next)
	}
	doc = parseHTML(t, ts.get(t, next[0]).Body.String())
	rows = attrs(doc, `[data-testid="flow-row"]`, "data-flow-id")
	if !cmp.Equal(rows, []string{"flow-004", "flow-003", "flow-002", "flow-001", "flow-000"}) {
		t.Errorf("second page = %q", rows)
	}
	if doc.Find(`[data-testid="next-page"]`).Length() != 0 {
		t.Error("next link on the last page")
	}
}

// TestLargeFlowPage renders a 5,000-event flow (a ternary causal tree): the
// header counts all, the tree stops at maxTreeRows and says so. The time
// is logged for docs/PERFORMANCE.
func TestLargeFlowPage(t *testing.T) {
	const n = 5000
	evs := make([]event.Event, n)
	for i := range evs {
		cause := ""
		if i > 0 {
			cause = fmt.Sprintf("b%d", (i-1)/3) // a ternary tree
		}
		evs[i] = ev(fmt.Sprintf("b%d", i), "big", cause, "Step", "svc", "big", int32(i%3), int64(i), i)
		evs[i].Payload = []byte(`{"i":1}`)
	}
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	start := time.Now()
	rec := ts.get(t, "/flows/big")
	took := time.Since(start)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := doc.Find(`[data-testid="tree-row"]`).Length(); got != maxTreeRows {
		t.Errorf("tree has %d rows, want %d", got, maxTreeRows)
	}
	if got := texts(doc, `[data-testid="tree-omitted"]`); len(got) != 1 || !strings.HasPrefix(got[0], itoa(5000-maxTreeRows)+" more events") {
		t.Errorf("omitted note = %q", got)
	}
	if got := texts(doc, `[data-testid="flow-events"]`); !cmp.Equal(got, []string{"5000"}) {
		t.Errorf("header count = %q", got)
	}
	t.Logf("flow page of %d events: %d KiB in %v", n, rec.Body.Len()>>10, took)
}
