package graph

import (
	"io"
	"strconv"
	"strings"
)

// DOT writes the flow as a Graphviz digraph, left to right: one box per
// distinct event (type, source, time since the start), an edge per causal
// link labelled with its latency; the critical path is bold red and
// anomalous events are filled. Every ID and label is quoted and escaped.
func DOT(f *Flow) string {
	var b strings.Builder
	WriteDOT(&b, f)
	return b.String()
}

// WriteDOT writes DOT(f) to w piece by piece (a bufio.Writer keeps the
// first error for its Flush), so a big flow is not held as one string.
func WriteDOT(b io.StringWriter, f *Flow) {
	b.WriteString("digraph flow {\n\trankdir=LR;\n\tnode [shape=box, style=rounded, fontname=\"sans-serif\", fontsize=10];\n\tedge [fontname=\"sans-serif\", fontsize=9];\n")
	for v := range f.Vertices {
		vx := &f.Vertices[v]
		label := exportLabel(f, vx)
		b.WriteString("\t" + dotQuote(vx.ID) + " [label=" + dotQuote(label))
		if len(vx.Kinds) > 0 {
			b.WriteString(", style=\"rounded,filled\", fillcolor=\"#ffe0e0\", tooltip=" + dotQuote(strings.Join(vx.Kinds, ", ")))
		}
		if vx.Critical {
			b.WriteString(", color=\"#c0392b\", penwidth=2")
		}
		b.WriteString("];\n")
	}
	for k := range f.Edges {
		e := &f.Edges[k]
		b.WriteString("\t" + dotQuote(e.From) + " -> " + dotQuote(e.To) + " [label=" + dotQuote(FormatMS(e.LatencyMS)))
		if e.Critical {
			b.WriteString(", color=\"#c0392b\", penwidth=2")
		}
		if e.Cyclic {
			b.WriteString(", style=dashed, constraint=false")
		}
		b.WriteString("];\n")
	}
	b.WriteString("}\n")
}

// dotQuote quotes s as a DOT string: backslashes and quotes escaped, line
// breaks as \n, other control characters as spaces.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Mermaid writes the flow as a Mermaid flowchart, left to right. Node IDs
// are n0, n1, … in vertex order (a comment above each names its event ID,
// with %, { and } as #37;, #123; and #125;);
// labels are quoted with Mermaid's entity codes for characters that would
// break them.
func Mermaid(f *Flow) string {
	var b strings.Builder
	WriteMermaid(&b, f)
	return b.String()
}

// WriteMermaid writes Mermaid(f) to w piece by piece, like WriteDOT.
func WriteMermaid(b io.StringWriter, f *Flow) {
	b.WriteString("flowchart LR\n")
	for v := range f.Vertices {
		vx := &f.Vertices[v]
		label := exportLabel(f, vx)
		b.WriteString("  %% n" + itoa(v) + ": " + mermaidComment(vx.ID) + "\n")
		b.WriteString("  n" + itoa(v) + "[\"" + mermaidEscape(label) + "\"]\n")
	}
	for k := range f.Edges {
		e := &f.Edges[k]
		arrow := " -->"
		if e.Cyclic {
			arrow = " -.->"
		}
		b.WriteString("  n" + itoa(e.FromV) + arrow + "|\"" + mermaidEscape(FormatMS(e.LatencyMS)) + "\"| n" + itoa(e.ToV) + "\n")
	}
	b.WriteString("  classDef critical stroke:#c0392b,stroke-width:2px\n  classDef anomaly fill:#ffe0e0\n")
	var crit, anom []string
	for v := range f.Vertices {
		if f.Vertices[v].Critical {
			crit = append(crit, "n"+itoa(v))
		}
		if len(f.Vertices[v].Kinds) > 0 {
			anom = append(anom, "n"+itoa(v))
		}
	}
	if len(crit) > 0 {
		b.WriteString("  class " + strings.Join(crit, ",") + " critical\n")
	}
	if len(anom) > 0 {
		b.WriteString("  class " + strings.Join(anom, ",") + " anomaly\n")
	}
	var critEdges []string
	for k := range f.Edges {
		if f.Edges[k].Critical {
			critEdges = append(critEdges, strconv.Itoa(k))
		}
	}
	if len(critEdges) > 0 {
		b.WriteString("  linkStyle " + strings.Join(critEdges, ",") + " stroke:#c0392b,stroke-width:2px\n")
	}
}

// mermaidEscape replaces the characters that end or confuse a quoted
// Mermaid label with entity codes; line breaks become <br/>.
func mermaidEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("#quot;")
		case '#':
			b.WriteString("#35;")
		case '&':
			b.WriteString("#amp;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '|':
			b.WriteString("#124;")
		case '`':
			b.WriteString("#96;")
		case '[', ']', '{', '}', '(', ')':
			b.WriteString("#" + itoa(int(r)) + ";")
		case '\n':
			b.WriteString("<br/>")
		default:
			if r < ' ' || r == 0x7f {
				b.WriteByte(' ')
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// mermaidComment keeps a comment on one line and inert: Mermaid reads a
// "%%{…}%%" directive (init, themeCSS, …) anywhere in the text, comments
// included, so '%', '{' and '}' are written as the entity codes labels use.
func mermaidComment(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '%' || r == '{' || r == '}':
			b.WriteString("#" + itoa(int(r)) + ";")
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// exportLabel is a vertex's label in DOT and Mermaid: type, source, offset
// from the flow's start, and how many records when it was published more
// than once.
func exportLabel(f *Flow, vx *Vertex) string {
	e := &f.Events[vx.Records[0]]
	label := e.Type + "\n" + e.Source + " · +" + FormatMS(ms(e.Time.Sub(f.Start)))
	if len(vx.Records) > 1 {
		label += " · ×" + itoa(len(vx.Records))
	}
	return label
}
