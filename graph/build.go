package graph

import (
	"bytes"
	"slices"
	"strings"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// builder holds the indexes Build needs while it fills a Flow.
type builder struct {
	f    *Flow
	idx  map[string]int // event ID -> vertex
	topo []int          // vertices in a topological order of non-cyclic edges
	// cloned is set once Flow.Events is a copy of the caller's slice
	// (made before the first derived copy is marked).
	cloned bool
}

func newBuilder(f *Flow) *builder {
	return &builder{f: f, idx: make(map[string]int, len(f.Events))}
}

// vertices makes one vertex per distinct event ID, in order of first
// record (business records before internal ones, so that an original is
// never a record of an internal topic). A record whose ID an earlier
// record of another topic carries with another payload is a derived copy
// (see event.MarkCopy): it gets its own vertex, caused by the original.
func (b *builder) vertices() {
	f := b.f
	f.VertexOf = make([]int, len(f.Events))
	f.Vertices = make([]Vertex, 0, len(f.Events))
	recs := make([]int, len(f.Events)) // one backing array; a duplicate's append copies
	add := func(i int) {
		e := &f.Events[i]
		if v, ok := b.idx[e.EventID]; ok && (b.isCopy(v, e) || isRedrive(e)) {
			if !b.cloned { // the caller's events stay as they were
				f.Events = slices.Clone(f.Events)
				b.cloned = true
				e = &f.Events[i]
			}
			e.MarkCopy()
		}
		v, ok := b.idx[e.EventID]
		if !ok {
			v = len(f.Vertices)
			b.idx[e.EventID] = v
			recs[i] = i
			f.Vertices = append(f.Vertices, Vertex{ID: e.EventID, CauseID: e.CausationID, Records: recs[i : i+1 : i+1], Copy: e.CopyOf != ""})
		} else {
			f.Vertices[v].Records = append(f.Vertices[v].Records, i)
		}
		f.VertexOf[i] = v
		if i == 0 || e.Time.Before(f.Start) {
			f.Start = e.Time
		}
		if i == 0 || e.Time.After(f.End) {
			f.End = e.Time
		}
	}
	for _, internal := range [...]bool{false, true} {
		for i := range f.Events {
			if f.Events[i].Internal == internal {
				add(i)
			}
		}
	}
}

// isRedrive reports whether e is a dead letter eventscope redrove to its
// original topic (it carries diagnose.RedriveHeader): it repeats the
// event's ID, and is drawn as a copy of it, a new step after the
// dead-lettered event, not as one more record of it.
func isRedrive(e *event.Event) bool {
	for _, h := range e.Headers {
		if strings.EqualFold(h.Key, diagnose.RedriveHeader) {
			return true
		}
	}
	return false
}

// isCopy reports whether record e, whose event ID vertex v has, is a
// derived copy of v's original: a business record on another topic with
// another payload. The same payload on another topic is one event
// published to several topics; the same topic is a duplicate.
func (b *builder) isCopy(v int, e *event.Event) bool {
	o := b.orig(v)
	return !e.Internal && !o.Internal && o.Topic != e.Topic && !bytes.Equal(o.Payload, e.Payload)
}

// orig returns the original record of vertex v.
func (b *builder) orig(v int) *event.Event {
	return &b.f.Events[b.f.Vertices[v].Records[0]]
}

// edges links each record's cause to it, one edge per (cause, effect) pair.
func (b *builder) edges(cfg *diagnose.Config) {
	f := b.f
	pair := make(map[uint64]int, len(f.Vertices))
	for i := range f.Events {
		e := &f.Events[i]
		if e.CausationID == "" {
			continue
		}
		v := f.VertexOf[i]
		cv, ok := b.idx[e.CausationID]
		if !ok {
			if f.Vertices[v].Records[0] == i {
				f.Vertices[v].Missing = true
				f.Vertices[v].Trigger = e.CausationID == e.CorrelationID && e.CausationID != e.EventID
				f.Vertices[v].Unpublished = !f.Vertices[v].Trigger && cfg.CauseMayBeUnpublished(e)
			}
			continue
		}
		key := uint64(cv)<<32 | uint64(v)
		if k, ok := pair[key]; ok {
			f.Edges[k].Records++
			continue
		}
		pair[key] = len(f.Edges)
		f.Vertices[cv].Out = append(f.Vertices[cv].Out, len(f.Edges))
		f.Vertices[v].In = append(f.Vertices[v].In, len(f.Edges))
		ed := Edge{
			From: e.CausationID, To: e.EventID,
			LatencyMS: ms(e.Time.Sub(b.orig(cv).Time)),
			FromV:     cv, ToV: v, Records: 1, Cyclic: cv == v,
		}
		if e.CopyOf != "" {
			ed.Kind = EdgeCopy
		}
		f.Edges = append(f.Edges, ed)
	}
}

// depths sets each vertex's longest causal path from a root over the
// non-cyclic edges, and records a topological order.
func (b *builder) depths() {
	f := b.f
	indeg := make([]int, len(f.Vertices))
	for k := range f.Edges {
		if !f.Edges[k].Cyclic {
			indeg[f.Edges[k].ToV]++
		}
	}
	b.topo = make([]int, 0, len(f.Vertices))
	for v := range f.Vertices {
		if indeg[v] == 0 {
			b.topo = append(b.topo, v)
		}
	}
	for h := 0; h < len(b.topo); h++ {
		u := b.topo[h]
		for _, k := range f.Vertices[u].Out {
			e := &f.Edges[k]
			if e.Cyclic {
				continue
			}
			if d := f.Vertices[u].Depth + 1; d > f.Vertices[e.ToV].Depth {
				f.Vertices[e.ToV].Depth = d
			}
			if indeg[e.ToV]--; indeg[e.ToV] == 0 {
				b.topo = append(b.topo, e.ToV)
			}
		}
	}
}

// criticalPath walks back from the vertex that finished last, at each step
// to the cause that finished last, and marks the chain.
func (b *builder) criticalPath() {
	f := b.f
	if len(f.Vertices) == 0 {
		f.CriticalPath = []string{}
		return
	}
	end := 0
	for v := range f.Vertices {
		if !b.orig(v).Time.Before(b.orig(end).Time) {
			end = v
		}
	}
	var path []int
	seen := map[int]bool{}
	for v := end; v >= 0 && !seen[v]; {
		seen[v] = true
		path = append(path, v)
		next, via := -1, -1
		for _, k := range f.Vertices[v].In {
			e := &f.Edges[k]
			if e.Cyclic {
				continue
			}
			if next < 0 || !b.orig(e.FromV).Time.Before(b.orig(next).Time) {
				next, via = e.FromV, k
			}
		}
		if via >= 0 {
			f.Edges[via].Critical = true
		}
		v = next
	}
	f.CriticalPath = make([]string, len(path))
	for i, v := range path {
		f.Vertices[v].Critical = true
		f.CriticalPath[len(path)-1-i] = f.Vertices[v].ID
	}
}

// order walks the records depth-first from the roots, children in record
// order; records not reached from a root (members of a cycle) start walks
// of their own so nothing is lost. Effects attach to their cause's original.
func (b *builder) order() []Node {
	f := b.f
	n := len(f.Events)
	parent := make([]int, n)
	children := make([][]int, n)
	var roots []int
	for i := range f.Events {
		parent[i] = -1
		e := &f.Events[i]
		cv, ok := b.idx[e.CausationID]
		if e.CausationID == "" || !ok || cv == f.VertexOf[i] {
			roots = append(roots, i)
			continue
		}
		c := f.Vertices[cv].Records[0]
		parent[i] = c
		children[c] = append(children[c], i)
	}
	seen := make([]bool, n)
	out := make([]Node, 0, n)
	type item struct{ i, depth int }
	var stack []item
	push := func(is []int, depth int) {
		for k := len(is) - 1; k >= 0; k-- {
			stack = append(stack, item{is[k], depth})
		}
	}
	walk := func(start []int) {
		push(start, 0)
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[it.i] {
				continue
			}
			seen[it.i] = true
			nd := Node{Index: it.i, Depth: it.depth,
				Duplicate: f.Vertices[f.VertexOf[it.i]].Dup}
			if it.depth > 0 && parent[it.i] >= 0 {
				nd.HasCause = true
				nd.HopMS = ms(f.Events[it.i].Time.Sub(f.Events[parent[it.i]].Time))
			}
			out = append(out, nd)
			push(children[it.i], it.depth+1)
		}
	}
	walk(roots)
	for i := range f.Events {
		if !seen[i] {
			walk([]int{i})
		}
	}
	return out
}
