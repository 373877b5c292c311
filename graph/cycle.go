package graph

import (
	"slices"
	"strings"
)

// breakCycles marks the edges that close causal cycles as Cyclic (a
// depth-first search from the vertices in time order; an edge back to a
// vertex on the search path closes a cycle) and reports one cycle anomaly
// per strongly connected component that loops, self-causation included.
func (b *builder) breakCycles() {
	f := b.f
	const (
		white = iota
		onPath
		done
	)
	state := make([]uint8, len(f.Vertices))
	type frame struct{ v, next int }
	var stack []frame
	for s := range f.Vertices {
		if state[s] != white {
			continue
		}
		state[s] = onPath
		stack = append(stack[:0], frame{s, 0})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			out := f.Vertices[top.v].Out
			if top.next == len(out) {
				state[top.v] = done
				stack = stack[:len(stack)-1]
				continue
			}
			k := out[top.next]
			top.next++
			e := &f.Edges[k]
			switch state[e.ToV] {
			case onPath:
				e.Cyclic = true
			case white:
				state[e.ToV] = onPath
				stack = append(stack, frame{e.ToV, 0})
			}
		}
	}
	for _, comp := range b.loops() {
		ids := make([]string, len(comp))
		for i, v := range comp {
			ids[i] = f.Vertices[v].ID
		}
		detail := "event names itself as its cause"
		if len(comp) > 1 {
			detail = "causation loops through " + itoa(len(comp)) + " events: " + b.typesOf(comp)
		}
		b.anoms = append(b.anoms, Anomaly{Kind: Cycle, EventIDs: ids, Detail: detail})
	}
}

// typesOf lists the types of the vertices, at most five, joined by arrows.
func (b *builder) typesOf(vs []int) string {
	var s []string
	for i, v := range vs {
		if i == 5 {
			s = append(s, "…")
			break
		}
		s = append(s, b.orig(v).Type)
	}
	return strings.Join(s, " → ")
}

// loops returns the strongly connected components that contain a cycle
// (more than one vertex, or a self-loop), each sorted by vertex, ordered by
// their first vertex. Tarjan's algorithm, iterative.
func (b *builder) loops() [][]int {
	f := b.f
	n := len(f.Vertices)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var comps [][]int
	var sccStack []int
	type frame struct{ v, next int }
	var call []frame
	counter := 0
	for s := 0; s < n; s++ {
		if index[s] >= 0 {
			continue
		}
		call = append(call[:0], frame{s, 0})
		index[s], low[s] = counter, counter
		counter++
		sccStack = append(sccStack, s)
		onStack[s] = true
		for len(call) > 0 {
			top := &call[len(call)-1]
			v := top.v
			if out := f.Vertices[v].Out; top.next < len(out) {
				w := f.Edges[out[top.next]].ToV
				top.next++
				if index[w] < 0 {
					index[w], low[w] = counter, counter
					counter++
					sccStack = append(sccStack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] && index[w] < low[v] {
					low[v] = index[w]
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				if p := call[len(call)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] != index[v] {
				continue
			}
			var comp []int
			for {
				w := sccStack[len(sccStack)-1]
				sccStack = sccStack[:len(sccStack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 || b.selfLoop(v) {
				slices.Sort(comp)
				comps = append(comps, comp)
			}
		}
	}
	slices.SortFunc(comps, func(a, b []int) int { return a[0] - b[0] })
	return comps
}

func (b *builder) selfLoop(v int) bool {
	for _, k := range b.f.Vertices[v].Out {
		if b.f.Edges[k].ToV == v {
			return true
		}
	}
	return false
}
