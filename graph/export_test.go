package graph_test

import (
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// nasty has IDs, types and sources with quotes, backslashes, newlines and
// the characters Mermaid and DOT give meaning to.
func nasty() *graph.Flow {
	a := ev(`a"1\`, "", "Order\"Placed\n<b>", 0)
	a.Source = "src|#[x]{y}(z)&`"
	b := ev("b;2", `a"1\`, "Pay-->ment", 12)
	return graph.Build(seq(a, b), graph.Options{})
}

func TestDOTEscaping(t *testing.T) {
	got := graph.DOT(nasty())
	for _, want := range []string{
		`	"a\"1\\" [label="Order\"Placed\n<b>\nsrc|#[x]{y}(z)&` + "`" + ` · +0 ms", color="#c0392b", penwidth=2];`,
		`	"b;2" [label="Pay-->ment\nsvc-Pay-->ment · +12 ms", color="#c0392b", penwidth=2];`,
		`	"a\"1\\" -> "b;2" [label="12 ms", color="#c0392b", penwidth=2];`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("DOT lacks line\n%s\nin\n%s", want, got)
		}
	}
	if strings.Count(got, "\n") != 8 {
		t.Errorf("a raw newline leaked into DOT:\n%s", got)
	}
}

func TestMermaidEscaping(t *testing.T) {
	got := graph.Mermaid(nasty())
	for _, want := range []string{
		`  %% n0: a"1\`,
		`  n0["Order#quot;Placed<br/>#lt;b#gt;<br/>src#124;#35;#91;x#93;#123;y#125;#40;z#41;#amp;#96; · +0 ms"]`,
		`  n1["Pay--#gt;ment<br/>svc-Pay--#gt;ment · +12 ms"]`,
		`  n0 -->|"12 ms"| n1`,
		`  class n0,n1 critical`,
		`  linkStyle 0 stroke:#c0392b,stroke-width:2px`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("Mermaid lacks line\n%s\nin\n%s", want, got)
		}
	}
}

func TestExportGolden(t *testing.T) {
	f := graph.Build(kitchenSink(), graph.Options{})
	golden(t, "kitchen_sink.dot", []byte(graph.DOT(f)))
	golden(t, "kitchen_sink.mmd", []byte(graph.Mermaid(f)))
}

func TestMermaidCommentStaysOnOneLine(t *testing.T) {
	f := graph.Build([]event.Event{ev("x\ny", "", "T", 0)}, graph.Options{})
	if got := graph.Mermaid(f); !strings.Contains(got, "  %% n0: x y\n") {
		t.Errorf("comment not on one line:\n%s", got)
	}
}

// TestMermaidDirectiveInjection: an event ID cannot smuggle a Mermaid
// directive (%%{init: …}%%) into the export, in a comment or a label
// (issue 17 F7).
func TestMermaidDirectiveInjection(t *testing.T) {
	evil := `%%{init: {"themeCSS": "x{background:url(https://evil.example/leak)}"}}%%`
	e := ev(evil, "", evil, 0)
	e.Source = evil
	got := graph.Mermaid(graph.Build([]event.Event{e}, graph.Options{}))
	for _, bad := range []string{"%%{", "}%%", "{init"} {
		if strings.Contains(got, bad) {
			t.Errorf("export contains %q:\n%s", bad, got)
		}
	}
	if !strings.Contains(got, "  %% n0: #37;#37;#123;init: #123;") {
		t.Errorf("comment does not show the ID escaped:\n%s", got)
	}
}
