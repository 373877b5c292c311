package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestXSSEscaped renders pages whose type, source, header, payload, decode
// error and event ID hold markup: it must come out as text, never as tags.
func TestXSSEscaped(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, target := range []string{"/flows/xss", EventURL("x<script>1"), "/", "/search?q=*", "/search?q=<script>alert(9)</script>",
		"/flows/xss?event=x<script>1", "/flows/%3Cscript%3Ealert(1)%3C%2Fscript%3E"} {
		t.Run(target, func(t *testing.T) {
			rec := ts.get(t, strings.ReplaceAll(strings.ReplaceAll(target, "<", "%3C"), ">", "%3E"))
			body := rec.Body.String()
			for _, bad := range []string{"<script>alert", "<script>src", "<script>k", "<img src=x", "<script>1"} {
				if strings.Contains(body, bad) {
					t.Errorf("body contains unescaped %q", bad)
				}
			}
			doc := parseHTML(t, body)
			// only our asset scripts exist (the layout's two, a page's own), all external
			if n := doc.Find("script").Length(); n < 2 || doc.Find(`script:not([src^="/static/"])`).Length() != 0 {
				t.Errorf("%d scripts, inline ones: %d", n, doc.Find("script:not([src])").Length())
			}
			if doc.Find("img").Length() != 0 {
				t.Error("an <img> got through")
			}
		})
	}
	doc := parseHTML(t, ts.get(t, "/flows/xss").Body.String())
	for id, want := range map[string]string{
		"detail-type":         "<script>alert('type')</script>",
		"detail-source":       "<script>src</script>",
		"detail-decode-error": "<img src=x onerror=alert(1)>",
		"detail-event-id":     "x<script>1",
	} {
		if got := strings.Join(texts(doc, `[data-testid="`+id+`"]`), "|"); got != want {
			t.Errorf("%s text = %q, want %q", id, got, want)
		}
	}
	if got := texts(doc, `[data-testid="header-row"] > *`); !cmp.Equal(got, []string{"<script>k</script>", "<script>alert('header')</script>"}) {
		t.Errorf("header text = %q", got)
	}
	if got := doc.Find(`[data-testid="event-payload"]`).Text(); !strings.Contains(got, `"<script>alert('payload')</script>"`) {
		t.Errorf("payload text = %q", got)
	}
}

func TestURLBuilders(t *testing.T) {
	tests := []struct{ got, want string }{
		{FlowURL("ord-1"), "/flows/ord-1"},
		{FlowURL("key:cust/42"), "/flows/key:cust%2F42"},
		{FlowURL("a b%?#"), "/flows/a%20b%25%3F%23"},
		{EventURL("orders/0/12"), "/events/orders%2F0%2F12"},
		{FlowEventURL("ord-1", "orders/0/12"), "/flows/ord-1?event=orders%2F0%2F12#event-orders%2F0%2F12"},
		{SearchURL("type:A b&c"), "/search?q=type%3AA+b%26c"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestPathIDRoundTrip serves every odd ID through the links the UI makes.
func TestPathIDRoundTrip(t *testing.T) {
	ids := []string{"plain", "a/b/c", "key:K", "50%off", "%2F", "sp ace", "q?x=1", "h#1", "ü/ñ", "ü", "trailing/", "a+b", "..", "a/../b",
		"x/replay", "x/export", "a;b", "a%2Fb/c d"}
	for _, id := range ids {
		e := ev("ev-"+id, id, "", "T", "s", "t", 0, 1, 0)
		ts := newTestServer(t, Options{Store: newFakeStore(e)})
		for _, target := range []string{FlowURL(id), "/api" + FlowURL(id), EventURL("ev-" + id), "/api" + EventURL("ev-"+id),
			ReplayURL(id), "/api" + ReplayURL(id), ExportURL(id, "json")} {
			rec := ts.get(t, target)
			if rec.Code != 200 {
				t.Errorf("ID %q: GET %s = %d %.200s", id, target, rec.Code, rec.Body)
				continue
			}
			if (strings.HasPrefix(target, "/api/flows/") || strings.Contains(target, "/export?")) && !strings.Contains(rec.Body.String(), `"correlation_id":"`+jsonEscape(id)+`"`) {
				t.Errorf("ID %q: %s answers %.200s", id, target, rec.Body)
			}
		}
		if u, err := url.Parse(FlowEventURL(id, "ev-"+id)); err != nil || u.Query().Get("event") != "ev-"+id {
			t.Errorf("ID %q: FlowEventURL does not parse back: %v", id, err)
		}
	}
}

func jsonEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "<", `\u003c`, ">", `\u003e`, "&", `\u0026`)
	return r.Replace(s)
}
