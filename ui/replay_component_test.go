package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph/replay"
)

func jsonObj(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return m
}

func TestStateFields(t *testing.T) {
	state := jsonObj(t, `{"a":{"b":{"c":1,"d":[1,2]},"e":{}},"a.b":"dotted","z":"<b>x</b>","n":null}`)
	changes := []replay.Change{
		{Path: "a.b", Op: replay.Added},               // a whole object: every row under it
		{Path: "a.e", Op: replay.Changed, Old: "was"}, // replaced a scalar
		{Path: `a\.b`, Op: replay.Changed, Old: json.Number("7")},
		{Path: "gone.deep", Op: replay.Removed, Old: map[string]any{"x": true}},
		{Path: "m", Op: replay.Removed, Old: "bye"},
	}
	var got []string
	for _, f := range stateFields(state, changes) {
		got = append(got, f.Path+"|"+f.Value+"|"+f.Old+"|"+f.Change)
	}
	want := []string{
		`a.b.c|1||added`, `a.b.d|[1,2]||added`, `a.e|{}|"was"|changed`, `a\.b|"dotted"|7|changed`,
		`gone.deep||{"x":true}|removed`, `m||"bye"|removed`, `n|null||`, `z|"\u003cb\u003ex\u003c/b\u003e"||`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	long := stateFields(map[string]any{"s": strings.Repeat("x", 1000)}, nil)
	if v := long[0].Value; len(v) > maxStateValue+len("…") || !strings.HasSuffix(v, "…") {
		t.Errorf("long value not capped: %d bytes", len(v))
	}
}

func TestReplayStateComponent(t *testing.T) {
	states := []entityStateView{
		{Entity: "o1", Label: "o1", Current: true, Fields: []stateFieldView{
			{Path: "status", Value: `"paid"`, Old: `"placed"`, Change: replay.Changed},
			{Path: "paid", Value: `true`, Change: replay.Added},
			{Path: "cart", Old: `[1]`, Change: replay.Removed},
			{Path: "total", Value: `9`},
		}},
		{Entity: "", Label: "(no key)"},
	}
	doc := parseHTML(t, renderComp(t, replayState(states)))
	root := doc.Find(`[data-testid="replay-state"]`)
	if root.Length() != 1 {
		t.Fatalf("no replay-state root")
	}
	if got := attrs(doc, `[data-testid="entity-state"]`, "data-current"); !cmp.Equal(got, []string{"true", ""}) {
		t.Errorf("current markers %v", got)
	}
	type row struct{ Path, Change, Class, Value, Old, Removed string }
	var rows []row
	doc.Find(`[data-entity="o1"] [data-testid="state-field"]`).Each(func(_ int, s *goquery.Selection) {
		p, _ := s.Attr("data-path")
		c, _ := s.Attr("data-change")
		cls, _ := s.Attr("class")
		rows = append(rows, row{p, c, cls, s.Find(`[data-testid="state-value"]`).Text(),
			s.Find(`[data-testid="state-old"]`).Text(), s.Find(`del[data-testid="state-removed"]`).Text()})
	})
	want := []row{
		{"status", "changed", "state-field changed", `"paid"`, `was "placed"`, ""},
		{"paid", "added", "state-field added", "true", "", ""},
		{"cart", "removed", "state-field removed", "", "", "[1]"},
		{"total", "", "state-field", "9", "", ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if got := texts(doc, `[data-entity=""] h3 code`); !cmp.Equal(got, []string{"(no key)"}) {
		t.Errorf("entity without key labelled %v", got)
	}
	empty := parseHTML(t, renderComp(t, replayState(nil)))
	if empty.Find(`[data-testid="replay-no-state"]`).Length() != 1 {
		t.Errorf("no empty-state note")
	}
}

func TestReplayAnomaliesComponent(t *testing.T) {
	list := []replayAnomalyView{
		{Kind: "duplicate", Detail: "published 2 times", New: true, Events: []eventLinkView{{ID: "e2", Label: "PizzaPrepared", URL: "/flows/f/replay?step=3"}}},
		{Kind: "dead_letter", Detail: "went to payments.DLT"},
	}
	resolved := []replayAnomalyView{{Kind: "orphan", Detail: "caused by e5, which has not been seen yet"}}
	doc := parseHTML(t, renderComp(t, replayAnomalies(list, resolved)))
	if got := attrs(doc, `[data-testid="replay-anomaly"]`, "data-new"); !cmp.Equal(got, []string{"true", "false"}) {
		t.Errorf("new markers %v", got)
	}
	if got := texts(doc, `[data-testid="replay-anomaly"].new`); len(got) != 1 || !strings.Contains(got[0], "appears here: published 2 times PizzaPrepared") {
		t.Errorf("new anomaly %v", got)
	}
	if got := attrs(doc, `[data-testid="replay-anomaly"] [data-testid="event-link"]`, "href"); !cmp.Equal(got, []string{"/flows/f/replay?step=3"}) {
		t.Errorf("event links %v", got)
	}
	if got := texts(doc, `[data-testid="replay-resolved"]`); len(got) != 1 || !strings.Contains(got[0], "resolved here") {
		t.Errorf("resolved %v", got)
	}
	if parseHTML(t, renderComp(t, replayAnomalies(nil, nil))).Find(`[data-testid="replay-no-anomalies"]`).Length() != 1 {
		t.Errorf("no empty note")
	}
}

// TestReplayTestIDs: every component root of the replay page has its
// data-testid, and the page loads its own CSS and script, no inline ones.
func TestReplayTestIDs(t *testing.T) {
	ts := newReplayServer(t)
	body := ts.get(t, ReplayURL(replayFlowID)+"?step=2").Body.String()
	doc := parseHTML(t, body)
	for _, id := range []string{"replay-page", "replay-header", "replay-controls", "replay-first", "replay-prev",
		"replay-play", "replay-next", "replay-last", "replay-speed", "replay-slider", "replay-position",
		"replay-order-time", "replay-order-arrival", "replay-future-dim", "replay-future-hide", "replay-entity",
		"replay-order-diff", "replay-events", "replay-list", "replay-frame", "replay-current", "replay-state",
		"replay-anomalies", "event-detail"} {
		if n := doc.Find(`[data-testid="` + id + `"]`).Length(); n != 1 {
			t.Errorf("data-testid %s: %d elements, want 1", id, n)
		}
	}
	scripts := attrs(doc, "script", "src")
	if len(scripts) != doc.Find("script").Length() || !strings.Contains(strings.Join(scripts, " "), "/static/replay.") {
		t.Errorf("scripts %v: want only external ones, replay.js among them", scripts)
	}
	if !strings.Contains(strings.Join(attrs(doc, `link[rel="stylesheet"]`, "href"), " "), "/static/replay.") {
		t.Errorf("replay.css not linked")
	}
	if doc.Find("[style]").Length() != 0 {
		t.Errorf("inline style attributes: the CSP forbids them")
	}
}

// TestReplayGraph: the causal graph's boxes and arrows are past, current or
// future at the step, and link to the step of their event; a flow drawn
// collapsed gets a note instead.
func TestReplayGraph(t *testing.T) {
	ts := newReplayServer(t)
	doc := parseHTML(t, ts.get(t, ReplayURL(replayFlowID)+"?step=4").Body.String())
	type node struct{ ID, State, URL string }
	var nodes []node
	doc.Find(`[data-testid="flow-graph"] [data-testid="graph-node"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-event-id")
		href, _ := s.Attr("href")
		state := ""
		for _, c := range []string{"past", "current", "future"} {
			if s.HasClass(c) {
				state += c
			}
		}
		nodes = append(nodes, node{id, state, href})
	})
	sortNodes := func(ns []node) {
		for i := range ns {
			for j := i + 1; j < len(ns); j++ {
				if ns[j].ID < ns[i].ID {
					ns[i], ns[j] = ns[j], ns[i]
				}
			}
		}
	}
	sortNodes(nodes)
	base := ReplayURL(replayFlowID) + "?step="
	want := []node{{"r1", "past", base + "1"}, {"r2", "past", base + "2"}, {"r3", "current", base + "4"},
		{"r4", "future", base + "5"}, {"r5", "future", base + "6"}}
	if diff := cmp.Diff(want, nodes); diff != "" {
		t.Errorf("graph nodes (-want +got):\n%s", diff)
	}
	edges := map[string]string{}
	doc.Find(`[data-testid="graph-edge"]`).Each(func(_ int, s *goquery.Selection) {
		from, _ := s.Attr("data-from")
		to, _ := s.Attr("data-to")
		cls, _ := s.Attr("class")
		edges[from+">"+to] = cls
	})
	for e, state := range map[string]string{"r1>r2": "past", "r1>r3": "current", "r3>r4": "future"} {
		if !strings.Contains(edges[e], state) {
			t.Errorf("edge %s class %q, want %s", e, edges[e], state)
		}
	}
	big := newTestServer(t, Options{Store: newFakeStore(replayFlow1k()...)})
	doc = parseHTML(t, big.get(t, ReplayURL("batch-1000")).Body.String())
	if doc.Find(`[data-testid="flow-graph"]`).Length() != 0 || doc.Find(`[data-testid="replay-graph-collapsed"]`).Length() != 1 {
		t.Errorf("a collapsed flow: want the note, not the graph")
	}
	// the frame fragment does not carry the graph
	frame := ts.get(t, ReplayURL(replayFlowID)+"?step=4", "HX-Request", "true", "HX-Target", "replay-frame").Body.String()
	if strings.Contains(frame, "graph-node") {
		t.Errorf("frame fragment carries the graph")
	}
}
