package ui

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph"
)

func TestJSONTree(t *testing.T) {
	n := jsonTree([]byte(`{"b":1,"a":{"x":[true,null,"<s>"]},"e":{}}`))
	if n == nil {
		t.Fatal("no tree")
	}
	doc := parseHTML(t, renderComp(t, jsonTreeView(*n)))
	var keys []string
	doc.Find(`[data-key]`).Each(func(_ int, s *goquery.Selection) {
		k, _ := s.Attr("data-key")
		keys = append(keys, k)
	})
	// document order, not sorted; array items by index
	if want := []string{"", "b", "a", "x", "[0]", "[1]", "[2]", "e"}; !cmp.Equal(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	if got := texts(doc, `.jv`); !cmp.Equal(got, []string{"1", "true", "null", `"<s>"`}) {
		t.Errorf("values %q", got)
	}
	if got := texts(doc, `[data-key="x"] > summary .jt-size`); !cmp.Equal(got, []string{"3 items]"}) {
		t.Errorf("array summary %q", got)
	}
	for _, bad := range []string{`not json`, `{"a":1} trailing`, `{"a":` + strings.Repeat("[", 3000)} {
		if jsonTree([]byte(bad)) != nil {
			t.Errorf("tree of %.30q", bad)
		}
	}
	if jsonTree([]byte("["+strings.Repeat("1,", maxTreeNodes)+"1]")) != nil {
		t.Error("a payload of more values than maxTreeNodes gets a tree")
	}
}

// TestDetailPayloadFirst: the panel shows the payload (as a tree) before
// the headers and the coordinates.
func TestDetailPayloadFirst(t *testing.T) {
	html := renderComp(t, eventDetail(buildFlowView("ord-1", graph.Build(newFakeStore(pizzaFlow()...).events, graph.Options{}), "e1").Detail))
	tree, headers, fields := strings.Index(html, `data-testid="payload-tree"`), strings.Index(html, `<h3>Headers</h3>`), strings.Index(html, `data-testid="event-fields"`)
	if tree < 0 || headers < 0 || fields < 0 || !(tree < headers && headers < fields) {
		t.Errorf("order: payload tree at %d, headers at %d, fields at %d; want payload, headers, fields", tree, headers, fields)
	}
}

// TestStateArrayIsATree: an array in the replay's state unfolds as an
// array (a tree of its items), not only as a JSON string.
func TestStateArrayIsATree(t *testing.T) {
	fields := stateFields(map[string]any{"items": []any{map[string]any{"sku": "A"}, "b"}, "n": 1.0, "none": []any{}}, nil)
	got := map[string]int{}
	for _, f := range fields {
		got[f.Path] = -1
		if f.Array != nil {
			got[f.Path] = len(f.Array.Kids)
		}
	}
	if want := map[string]int{"items": 2, "n": -1, "none": -1}; !cmp.Equal(got, want) {
		t.Errorf("array trees %v, want %v", got, want)
	}
}
