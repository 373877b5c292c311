package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/store"
)

func TestSearchBadQueryInline(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		q                       string
		before, at, after, code string
	}{
		{"type:OrderPlaced color:red", "type:OrderPlaced ", "c", "olor:red", "17"},
		{"type:", "type:", "\u00a0", "", "5"},
		{`type:A "open quote`, "type:A ", `"`, "open quote", "7"},
		{"after:yesterday ü", "after:", "y", "esterday ü", "6"},
		{"anomaly:weird", "anomaly:", "w", "eird", "8"},
	}
	for _, tc := range tests {
		rec := ts.get(t, SearchURL(tc.q))
		if rec.Code != 400 {
			t.Fatalf("q=%q: status %d, want 400", tc.q, rec.Code)
		}
		doc := parseHTML(t, rec.Body.String())
		e := doc.Find(`[data-testid="search-error"]`)
		if e.Length() != 1 {
			t.Fatalf("q=%q: no inline error in %.400s", tc.q, rec.Body)
		}
		if pos, _ := e.Attr("data-position"); pos != tc.code {
			t.Errorf("q=%q: position %s, want %s", tc.q, pos, tc.code)
		}
		pre := e.Find(`[data-testid="search-error-query"]`)
		at := pre.Find("mark").Text()
		if got := pre.Text(); got != tc.before+at+tc.after || at != tc.at {
			t.Errorf("q=%q: marked %q|%q, want %q|%q|%q", tc.q, got, at, tc.before, tc.at, tc.after)
		}
		if msg := texts(doc, `[data-testid="search-error-message"]`); len(msg) != 1 || !strings.HasPrefix(msg[0], "Bad query: ") {
			t.Errorf("q=%q: message %q", tc.q, msg)
		}
		if got := attrs(doc, `[data-testid="search-form"] input`, "value"); !cmp.Equal(got, []string{tc.q}) {
			t.Errorf("q=%q: box holds %q", tc.q, got)
		}
	}
}

func TestAPIFlowsBadQueryPosition(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		q   string
		pos int
	}{
		{"type:A nope:x", 7},
		{"   type:A nope:x", 10}, // leading spaces count: the position is in q as sent
		{`"unterminated`, 0},
		{"source:", 7},
	}
	for _, tc := range tests {
		rec := ts.get(t, "/api/flows?q="+url.QueryEscape(tc.q))
		if rec.Code != 400 {
			t.Fatalf("q=%q: status %d", tc.q, rec.Code)
		}
		var body struct {
			Error    string `json:"error"`
			Position *int   `json:"position"`
		}
		decodeJSON(t, rec, &body)
		if body.Position == nil || *body.Position != tc.pos || !strings.HasPrefix(body.Error, "bad query: at position ") {
			t.Errorf("q=%q: body %s, want position %d", tc.q, rec.Body, tc.pos)
		}
	}
}

func TestSearchResultsAndPaging(t *testing.T) {
	ts := newTestServer(t, Options{})
	doc := parseHTML(t, ts.get(t, "/search?q=*").Body.String())
	if got := attrs(doc, `[data-testid="flow-row"]`, "data-flow-id"); len(got) != 4 {
		t.Fatalf("* lists %q", got)
	}
	if got := texts(doc, `[data-testid="search-count"]`); !cmp.Equal(got, []string{"4 flows match, newest first"}) {
		t.Errorf("count = %q", got)
	}
	// flows with anomaly badges, spans and services
	if got := texts(doc, `[data-flow-id="ord-1"] [data-testid="anomaly-badge"]`); !cmp.Equal(got, []string{"duplicate", "failure", "orphan"}) {
		t.Errorf("ord-1 badges = %q", got)
	}
	// a fake store page of 2 (see fakeStore.Flows): follow Next
	st := newFakeStore(allFixtures()...)
	ts = newTestServer(t, Options{Store: pagedStore{st, 2}})
	doc = parseHTML(t, ts.get(t, "/search?q=*").Body.String())
	next := attrs(doc, `[data-testid="next-page"]`, "href")
	if len(next) != 1 || !strings.Contains(next[0], "cursor=") || doc.Find(`[data-testid="first-page"]`).Length() != 0 {
		t.Fatalf("first page: next %q", next)
	}
	if got := texts(doc, `[data-testid="search-count"]`); !cmp.Equal(got, []string{"2 flows on this page, newest first; more on the next page"}) {
		t.Errorf("first page count = %q", got)
	}
	doc = parseHTML(t, ts.get(t, next[0]).Body.String())
	if got := attrs(doc, `[data-testid="flow-row"]`, "data-flow-id"); len(got) != 2 {
		t.Errorf("second page lists %q", got)
	}
	if doc.Find(`[data-testid="next-page"]`).Length() != 0 || doc.Find(`[data-testid="first-page"]`).Length() != 1 {
		t.Error("last page: want no Next and a link back to the newest")
	}
	if got := texts(doc, `[data-testid="search-count"]`); !cmp.Equal(got, []string{"2 flows on this last page"}) {
		t.Errorf("last page count = %q", got)
	}
}

// pagedStore serves pages of limit flows whatever the query asks.
type pagedStore struct {
	*fakeStore
	limit int
}

func (p pagedStore) Flows(ctx ctxT, q store.FlowQuery) (store.FlowPage, error) {
	q.Limit = p.limit
	return p.fakeStore.Flows(ctx, q)
}
