package ui

import (
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

func TestPayloadDiff(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur string
		want      []diffRow
		notJSON   bool
	}{
		{"changed added removed", `{"status":"placed","total":10,"items":[{"sku":"a"}],"note":"x"}`,
			`{"status":"paid","total":10,"items":[{"sku":"a"},{"sku":"b"}],"paidAt":"t1"}`,
			[]diffRow{
				{Path: "items[1].sku", Op: diffAdded, After: `"b"`},
				{Path: "note", Op: diffRemoved, Before: `"x"`},
				{Path: "paidAt", Op: diffAdded, After: `"t1"`},
				{Path: "status", Op: diffChanged, Before: `"placed"`, After: `"paid"`},
			}, false},
		{"numbers keep their text", `{"n":1.50}`, `{"n":1.5}`,
			[]diffRow{{Path: "n", Op: diffChanged, Before: "1.50", After: "1.5"}}, false},
		{"nested and emptied", `{"a":{"b":[1,2]}}`, `{"a":{"b":[]}}`,
			[]diffRow{
				{Path: "a.b", Op: diffAdded, After: "[]"},
				{Path: "a.b[0]", Op: diffRemoved, Before: "1"},
				{Path: "a.b[1]", Op: diffRemoved, Before: "2"},
			}, false},
		{"scalars", `"x"`, `"y"`, []diffRow{{Path: "(value)", Op: diffChanged, Before: `"x"`, After: `"y"`}}, false},
		{"same", `{"a":1}`, `{ "a": 1 }`, nil, false},
		{"not JSON", `{"a":1}`, `hello`, nil, true},
		{"empty", ``, `{"a":1}`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, notJSON := payloadDiff([]byte(tc.prev), []byte(tc.cur))
			if notJSON != tc.notJSON {
				t.Errorf("notJSON = %v", notJSON)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// entityFlow: two orders' events interleaved in one flow, keyed by order.
func entityFlow() []event.Event {
	mk := func(id, cause, typ, key string, ms int, payload string) event.Event {
		e := ev(id, "batch", cause, typ, "orders", "orders", 0, int64(ms), ms)
		e.Key, e.Payload, e.PayloadSize = key, []byte(payload), len(payload)
		return e
	}
	a1 := mk("a1", "", "OrderPlaced", "A", 0, `{"status":"placed","total":10}`)
	b1 := mk("b1", "", "OrderPlaced", "B", 10, `{"status":"placed","total":5}`)
	a2 := mk("a2", "a1", "OrderPlaced", "A", 20, `{"status":"paid","total":10,"paidAt":"t"}`)
	b2 := mk("b2", "b1", "OrderPlaced", "B", 30, `not json`)
	a3 := mk("a3", "a2", "OrderShipped", "A", 40, `{"status":"shipped"}`)
	b2.SchemaID = 42
	a3.ContentType = "application/json; schema=protobuf; schema-id=43; subject=orders-value; version=2"
	return []event.Event{a1, b1, a2, b2, a3}
}

func TestEventDetailDiff(t *testing.T) {
	f := graph.Build(newFakeStore(entityFlow()...).events, graph.Options{})
	detail := func(id string) *goquery.Document {
		return parseHTML(t, renderComp(t, eventDetail(buildFlowView("batch", f, id).Detail)))
	}
	// a2 against a1 (same key A), not against b1 (the event just before)
	doc := detail("a2")
	if got := attrs(doc, `[data-testid="payload-diff"] [data-testid="event-link"]`, "href"); !cmp.Equal(got, []string{"/flows/batch?event=a1#event-a1"}) {
		t.Errorf("diff against %q, want a1", got)
	}
	type row struct{ Op, Path, Before, After string }
	var rows []row
	doc.Find(`[data-testid="diff-row"]`).Each(func(_ int, s *goquery.Selection) {
		op, _ := s.Attr("data-op")
		p, _ := s.Attr("data-path")
		rows = append(rows, row{op, p, s.Find("td.before").Text(), s.Find("td.after").Text()})
	})
	want := []row{{"added", "paidAt", "", `"t"`}, {"changed", "status", `"placed"`, `"paid"`}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("diff rows (-want +got):\n%s", diff)
	}
	if doc.Find(`[data-testid="detail-schema-id"]`).Length() != 0 {
		t.Error("schema ID shown for an event without one")
	}
	// the first event of an entity has nothing to compare with, and
	// neither has the first of its type (a3 follows a2 of the same key)
	if n := detail("a3").Find(`[data-testid="payload-diff"]`).Length(); n != 0 {
		t.Error("the first OrderShipped of key A is compared with an event of another type")
	}
	if got := texts(detail("a3"), `[data-testid="detail-schema"]`); !cmp.Equal(got, []string{"Protobuf, subject orders-value, version 2"}) {
		t.Errorf("schema row = %q", got)
	}
	if detail("a2").Find(`[data-testid="payload-diff"][open]`).Length() != 0 {
		t.Error("the diff is open; want it folded")
	}
	if n := detail("b1").Find(`[data-testid="payload-diff"]`).Length(); n != 0 {
		t.Error("first event of its key shows a diff")
	}
	doc = detail("b2")
	if doc.Find(`[data-testid="diff-not-json"]`).Length() != 1 {
		t.Error("a non-JSON payload does not say it cannot be compared")
	}
	if got := texts(doc, `[data-testid="detail-schema-id"]`); !cmp.Equal(got, []string{"42"}) {
		t.Errorf("schema ID = %q", got)
	}
}

// TestEventPageDiff: the event page compares with the entity's previous
// event too, linking to its event page.
func TestEventPageDiff(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(entityFlow()...)})
	doc := parseHTML(t, ts.get(t, EventURL("a2")).Body.String())
	if got := attrs(doc, `[data-testid="payload-diff"] [data-testid="event-link"]`, "href"); !cmp.Equal(got, []string{"/events/a1"}) {
		t.Errorf("event page diff against %q", got)
	}
	if got := attrs(doc, `[data-testid="diff-row"]`, "data-path"); !cmp.Equal(got, []string{"paidAt", "status"}) {
		t.Errorf("diff rows %q", got)
	}
}
