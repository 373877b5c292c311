package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Hop is a kind of causal edge: an event of type From caused one of type
// To. Two flows are compared by their types and hops, not by event IDs,
// which never repeat between flows.
type Hop struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// TypeDiff counts the distinct events of one type in flows A and B.
type TypeDiff struct {
	Type string `json:"type"`
	A    int    `json:"a"`
	B    int    `json:"b"`
}

// HopDiff counts the edges of one hop in A and B, with the median latency
// of the hop in each (ms; 0 where the hop is absent) and DeltaMS = P50B −
// P50A when both have it.
type HopDiff struct {
	Hop
	A       int      `json:"a"`
	B       int      `json:"b"`
	P50A    float64  `json:"p50_a_ms"` // nearest-rank median
	P50B    float64  `json:"p50_b_ms"`
	DeltaMS *float64 `json:"delta_ms"`
}

// Comparison is the structural difference between two flows: every type
// and hop of either, in name order, with counts on each side. A type or
// hop with a zero count on one side is present in the other only; unequal
// non-zero counts are extra repetitions.
type Comparison struct {
	Types []TypeDiff `json:"types"`
	Hops  []HopDiff  `json:"hops"`
	// Resent counts, by type, the records left out of Types and Hops
	// because they resend an event rather than add a step (see
	// Flow.Compared): a recovered flow's dead-letter record is neither a
	// repetition of its type nor a hop.
	Resent []TypeDiff `json:"resent"`
	// Same is true when both flows have the same shape (ShapeKey).
	Same bool `json:"same_shape"`
}

// VertexType is the type of vertex v: its original record's type.
func (f *Flow) VertexType(v int) string {
	return f.Events[f.Vertices[v].Records[0]].Type
}

// Compared reports whether vertex v is a step of the flow's structure.
// A record on a dead-letter topic (its Failure is a dead letter) and a
// dead letter redriven to its topic (a copy carrying
// diagnose.RedriveHeader) resend an event that is already in the flow:
// they are not compared, so that a recovered flow has the shape of a
// healthy one (its failure is on its status badge, not in its shape).
func (f *Flow) Compared(v int) bool {
	x := &f.Vertices[v]
	if x.Failure != nil && x.Failure.DeadLetter {
		return false
	}
	return !(x.Copy && isRedrive(&f.Events[x.Records[0]]))
}

// TypeCounts counts the flow's distinct events by type, those Compared
// only.
func TypeCounts(f *Flow) map[string]int {
	out := map[string]int{}
	for v := range f.Vertices {
		if f.Compared(v) {
			out[f.VertexType(v)]++
		}
	}
	return out
}

// resentCounts counts by type the vertices not Compared.
func resentCounts(f *Flow) map[string]int {
	out := map[string]int{}
	for v := range f.Vertices {
		if !f.Compared(v) {
			out[f.VertexType(v)]++
		}
	}
	return out
}

// Resends returns the vertex that vertex v resends: v itself when it is
// Compared, else the nearest Compared vertex up its first causal or copy
// edges (a dead letter's cause is the event it failed on); -1 when there
// is none.
func (f *Flow) Resends(v int) int {
	for range len(f.Vertices) {
		if f.Compared(v) {
			return v
		}
		next := -1
		for _, k := range f.Vertices[v].In {
			if !f.Edges[k].Cyclic {
				next = f.Edges[k].FromV
				break
			}
		}
		if next < 0 {
			return -1
		}
		v = next
	}
	return -1
}

// HopLatencies lists the latencies (ms) of the flow's causal edges by hop.
// Copy edges, cyclic edges and edges to a vertex not Compared are left
// out; an edge from one counts from the event it resends (the effect of a
// redriven dead letter is an effect of the event that failed).
func HopLatencies(f *Flow) map[Hop][]float64 {
	out := map[Hop][]float64{}
	for _, e := range f.Edges {
		if e.Kind != "" || e.Cyclic || !f.Compared(e.ToV) {
			continue
		}
		from := f.Resends(e.FromV)
		if from < 0 {
			continue
		}
		h := Hop{From: f.VertexType(from), To: f.VertexType(e.ToV)}
		out[h] = append(out[h], e.LatencyMS)
	}
	return out
}

// Compare compares flow a with flow b.
func Compare(a, b *Flow) Comparison {
	ta, tb := TypeCounts(a), TypeCounts(b)
	var c Comparison
	for _, t := range unionKeys(ta, tb) {
		c.Types = append(c.Types, TypeDiff{Type: t, A: ta[t], B: tb[t]})
	}
	ha, hb := HopLatencies(a), HopLatencies(b)
	for _, h := range unionKeys(ha, hb) {
		d := HopDiff{Hop: h, A: len(ha[h]), B: len(hb[h]), P50A: median(ha[h]), P50B: median(hb[h])}
		if d.A > 0 && d.B > 0 {
			delta := d.P50B - d.P50A
			d.DeltaMS = &delta
		}
		c.Hops = append(c.Hops, d)
	}
	ra, rb := resentCounts(a), resentCounts(b)
	for _, t := range unionKeys(ra, rb) {
		c.Resent = append(c.Resent, TypeDiff{Type: t, A: ra[t], B: rb[t]})
	}
	c.Same = ShapeKey(a) == ShapeKey(b)
	return c
}

// ShapeKey is a canonical text of the flow's shape: its types and hops
// with their counts. Flows with equal keys have the same structure.
func ShapeKey(f *Flow) string {
	var b strings.Builder
	tc := TypeCounts(f)
	for _, t := range unionKeys(tc, nil) {
		fmt.Fprintf(&b, "%q×%d;", t, tc[t])
	}
	b.WriteString("|")
	hl := HopLatencies(f)
	for _, h := range unionKeys(hl, nil) {
		fmt.Fprintf(&b, "%q>%q×%d;", h.From, h.To, len(hl[h]))
	}
	return b.String()
}

// RootType is the type of the flow's first root ("" for an empty flow).
func RootType(f *Flow) string {
	for _, n := range f.Order {
		if !n.HasCause {
			return f.Events[n.Index].Type
		}
	}
	if len(f.Events) > 0 {
		return f.Events[0].Type
	}
	return ""
}

// unionKeys returns the keys of a and b, sorted (strings, or hops by From
// then To).
func unionKeys[K comparable, V any](a, b map[K]V) []K {
	seen := map[K]bool{}
	var out []K
	for _, m := range []map[K]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(x, y K) int { return cmp.Compare(sortKey(x), sortKey(y)) })
	return out
}

func sortKey(k any) string {
	switch k := k.(type) {
	case string:
		return k
	case Hop:
		return k.From + "\x00" + k.To
	}
	return fmt.Sprint(k)
}

// median is the nearest-rank median of xs (not modified).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return quantile(s, 0.5)
}
