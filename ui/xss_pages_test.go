package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// xssPayloads are markup, attribute, URL and template injections. Each one
// is the correlation ID of a flow whose every user-controlled field holds it.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	`'><img src=x onerror=alert(1)>`,
	`</textarea>`,
	`{{7*7}}`,
}

// xssFlowOf is the flow of payload p: a root, an effect (another service,
// a dead-letter topic, before its cause: out of order, a changed payload:
// a diff), an orphan and a duplicate of the root. IDs, type, source,
// topic, key, version, convention, headers, payload keys and values and
// decode error all hold p (first, so that a URL made of one starts with it).
func xssFlowOf(p string, i int) []event.Event {
	mk := func(id, cause, typ, src, topic string, off int64, ms int, status string) event.Event {
		e := ev(id, p, cause, typ, src, topic, int32(i), off, 1000*i+ms)
		e.Key, e.Version, e.Convention = p, p, p
		e.Headers = []event.Header{{Key: p, Value: p}, {Key: "event-type", Value: p}}
		e.Payload, _ = json.Marshal(map[string]string{"id": p, p: p, "status": status})
		e.PayloadSize = len(e.Payload)
		e.DecodeError = p
		return e
	}
	return []event.Event{
		mk(p, "", p, p, p, 1, 50, "new"),
		mk(p+"-2", p, p+"!", p+" 2", p+".DLT", 2, 0, p),
		mk(p+"-3", p+"-ghost", p, p, p, 3, 70, "x"),
		mk(p, "", p, p, p, 4, 60, "new"), // the root published twice
	}
}

func xssEvents() []event.Event {
	var evs []event.Event
	for i, p := range xssPayloads {
		evs = append(evs, xssFlowOf(p, i)...)
	}
	return evs
}

// xssOptions feed the payloads through every other input of the UI too:
// consumer groups, ingest stats and stall rules.
func xssOptions(st store.Reader) Options {
	var rules []graph.StallRule
	var groups []ConsumerGroup
	var parts []IngestPartition
	for _, p := range xssPayloads {
		rules = append(rules, graph.StallRule{After: p, Expect: []string{p + "?"}, Within: time.Second})
		groups = append(groups, ConsumerGroup{Name: p, State: p, Members: 1, Topics: []string{p}, Lag: 2})
		parts = append(parts, IngestPartition{Topic: p, Lag: 3})
	}
	return Options{
		Store: st, Graph: graph.WithRules(time.Time{}, rules...), Live: NewLive(4, 0),
		Groups: func(context.Context) ([]ConsumerGroup, error) { return groups, nil },
		Stats: func() IngestStats {
			at := t0
			return IngestStats{Ready: true, GroupID: xssPayloads[0], Partitions: parts,
				LastError: strings.Join(xssPayloads, " "), LastErrorAt: &at}
		},
	}
}

// What a response must be.
const (
	kindHTML     = "html"     // an HTML page or htmx fragment
	kindJSON     = "json"     // application/json
	kindDownload = "download" // an export: any type but HTML, as an attachment
	kindRedirect = "redirect" // a 303 to a local path
)

type xssCase struct {
	name, target string
	hdr          []string // request headers, name value ...
	kind         string
	want         []string // texts the page must show, escaped but whole
}

// quoteQuery quotes v as one value of the search language.
func quoteQuery(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// token is the search for p alone: a jump to its flow, unless p has a
// space (a listing) or a quote (a bad query).
func token(n, p string) xssCase {
	c := xssCase{name: n + "search token", target: "/search?q=" + url.QueryEscape(p), kind: kindRedirect}
	if strings.ContainsAny(p, ` "`) {
		c.kind, c.want = kindHTML, []string{p}
	}
	return c
}

// xssCases lists every page, fragment, export and API answer that shows
// the payloads. insights says the store lists recent events (the dashboard
// sections, the service map and the live page's rows need it).
func xssCases(insights bool) []xssCase {
	all := func() []string {
		if insights {
			return xssPayloads
		}
		return nil
	}
	search := func(q string) string { return "/search?q=" + url.QueryEscape(q) }
	hx := func(target string) []string { return []string{"HX-Request", "true", "HX-Target", target} }
	cs := []xssCase{
		{name: "dashboard", target: "/", kind: kindHTML, want: all()},
		{name: "search all", target: search("*"), kind: kindHTML, want: xssPayloads},
		{name: "services", target: "/services", kind: kindHTML, want: all()},
		{name: "live", target: "/live", kind: kindHTML, want: all()},
		{name: "api services", target: "/api/services", kind: kindJSON},
		{name: "api stats", target: "/api/stats", kind: kindJSON},
		{name: "api search", target: "/api/flows?q=*", kind: kindJSON},
	}
	for i, p := range xssPayloads {
		n := strconv.Itoa(i) + " "
		flow, replay := FlowURL(p), ReplayURL(p)
		ids := []string{p, p + "-2", p + "-3"}
		cs = append(cs,
			xssCase{name: n + "flow", target: flow, kind: kindHTML, want: []string{p, p + "!", p + " 2", p + ".DLT", p + "-ghost"}},
			xssCase{name: n + "graph fragment", target: flow, hdr: hx("flow-graph"), kind: kindHTML, want: []string{p}},
			xssCase{name: n + "timeline fragment", target: flow, hdr: hx("flow-timeline"), kind: kindHTML, want: []string{p, p + " 2"}},
			xssCase{name: n + "flow lanes", target: flow + "?timeline=lanes", kind: kindHTML, want: []string{p, p + " 2"}},
			xssCase{name: n + "search type", target: search("type:" + quoteQuery(p)), kind: kindHTML, want: []string{p}},
			token(n, p),
			xssCase{name: n + "bad query anomaly", target: search("anomaly:" + quoteQuery(p)), kind: kindHTML, want: []string{p}},
			xssCase{name: n + "bad query quote", target: search(`type:"` + p), kind: kindHTML, want: []string{p}},
			xssCase{name: n + "bad query time", target: search("after:" + quoteQuery(p)), kind: kindHTML, want: []string{p}},
			xssCase{name: n + "live filter", target: "/live?q=" + url.QueryEscape("type:"+quoteQuery(p)), kind: kindHTML},
			xssCase{name: n + "live bad filter", target: "/live?q=" + url.QueryEscape("anomaly:"+quoteQuery(p)), kind: kindHTML, want: []string{p}},
			xssCase{name: n + "flow 404", target: FlowURL(p + "-missing"), kind: kindHTML},
			xssCase{name: n + "event 404", target: EventURL(p + "-missing"), kind: kindHTML},
			xssCase{name: n + "flow bad zoom", target: flow + "?from=" + url.QueryEscape(p) + "&to=" + url.QueryEscape(p), kind: kindHTML},
			xssCase{name: n + "replay bad order", target: replay + "?order=" + url.QueryEscape(p), kind: kindHTML},
			xssCase{name: n + "replay timeline fragment", target: replay + "?step=2", hdr: hx("flow-timeline"), kind: kindHTML, want: []string{p}},
			xssCase{name: n + "api flow", target: "/api" + flow, kind: kindJSON},
			xssCase{name: n + "api replay", target: "/api" + replay, kind: kindJSON},
			xssCase{name: n + "api search", target: "/api/flows?q=" + url.QueryEscape("type:"+quoteQuery(p)), kind: kindJSON},
		)
		for _, f := range []string{"dot", "mermaid", "json"} {
			cs = append(cs, xssCase{name: n + "export " + f, target: ExportURL(p, f), kind: kindDownload})
		}
		for j, id := range ids {
			sel := flow + "?event=" + url.QueryEscape(id)
			m := n + "event " + strconv.Itoa(j+1)
			cs = append(cs,
				xssCase{name: m + " selected", target: sel, kind: kindHTML, want: []string{id}},
				xssCase{name: m + " detail fragment", target: sel, hdr: hx("event-detail"), kind: kindHTML, want: []string{id, p}},
				xssCase{name: m + " page", target: EventURL(id), kind: kindHTML, want: []string{id, p}},
				xssCase{name: m + " api", target: "/api" + EventURL(id), kind: kindJSON},
			)
		}
		for step := 1; step <= 4; step++ {
			at := replay + "?step=" + strconv.Itoa(step)
			m := n + "replay step " + strconv.Itoa(step)
			cs = append(cs,
				xssCase{name: m, target: at, kind: kindHTML, want: []string{p}},
				xssCase{name: m + " frame", target: at, hdr: hx("replay-frame"), kind: kindHTML, want: []string{p}},
			)
		}
	}
	return cs
}

// TestXSSPagesInert serves every page, fragment, export and API answer of
// flows whose every field holds an injection, over the fake store and the
// embedded one (which adds the dashboard, service map and live rows): no
// data may come out as an element, an attribute or a URL that runs script,
// and each payload must show as text (escaped, not dropped).
func TestXSSPagesInert(t *testing.T) {
	stores := []struct {
		name     string
		st       store.Reader
		insights bool
	}{
		{"fake", newFakeStore(xssEvents()...), false},
		{"sqlite", sqliteWith(t, xssEvents()...), true},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			ts := newTestServer(t, xssOptions(s.st))
			for _, tc := range xssCases(s.insights) {
				t.Run(tc.name, func(t *testing.T) { checkXSSCase(t, ts, tc) })
			}
		})
	}
}

func checkXSSCase(t *testing.T, ts *testServer, tc xssCase) {
	rec := ts.get(t, tc.target, tc.hdr...)
	ct := rec.Header().Get("Content-Type")
	if rec.Code >= 500 {
		t.Fatalf("GET %s = %d %.300s", tc.target, rec.Code, rec.Body)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	body := rec.Body.String()
	switch tc.kind {
	case kindJSON:
		if rec.Code != http.StatusOK || !strings.HasPrefix(ct, "application/json") || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("GET %s = %d %q, want 200 valid application/json: %.200s", tc.target, rec.Code, ct, body)
		}
	case kindDownload:
		if rec.Code != http.StatusOK || strings.Contains(ct, "html") || ct == "" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("GET %s = %d %q, disposition %q: want a non-HTML attachment", tc.target, rec.Code, ct, rec.Header().Get("Content-Disposition"))
		}
	case kindRedirect:
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
			t.Errorf("GET %s = %d to %q, want a 303 to a local path", tc.target, rec.Code, loc)
		}
	case kindHTML:
		if !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("GET %s = %d %q, want HTML", tc.target, rec.Code, ct)
		}
		for _, problem := range inertProblems(t, body) {
			t.Error(problem)
		}
		text := htmlText(t, body)
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("the page does not show %q as text", w)
			}
		}
	}
}

// TestXSSFixtureCoversAnomalies makes sure the flows of TestXSSPagesInert
// fill the anomaly list, the graph and the timeline (so their payloads are
// really rendered there).
func TestXSSFixtureCoversAnomalies(t *testing.T) {
	ts := newTestServer(t, xssOptions(newFakeStore(xssEvents()...)))
	for _, p := range xssPayloads {
		doc := parseHTML(t, ts.get(t, FlowURL(p)+"?timeline=lanes").Body.String())
		kinds := attrs(doc, `[data-testid="anomaly"]`, "data-kind")
		sortStrings(kinds)
		kinds = slices.Compact(kinds)
		if want := []string{"dead_letter", "duplicate", "orphan", "out_of_order", "stalled"}; !slices.Equal(kinds, want) {
			t.Errorf("flow %q: anomalies %q, want %q", p, kinds, want)
		}
		if n := doc.Find(`[data-testid="graph-node"]`).Length(); n < 3 {
			t.Errorf("flow %q: %d graph boxes", p, n)
		}
		if n := doc.Find(`[data-testid="timeline-lane"]`).Length(); n != 2 {
			t.Errorf("flow %q: %d timeline lanes, want 2 (two sources)", p, n)
		}
	}
}
