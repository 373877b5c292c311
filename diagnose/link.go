package diagnose

import (
	"slices"
	"time"
)

// flow is the causal structure the rules read: one vertex per distinct
// event ID (in order of first record), one edge per (cause, effect) pair.
type flow struct {
	steps []Step
	idx   map[string]int
	vs    []vertex
	es    []edge
	miss  []int // records whose cause is neither seen nor the flow's trigger
	topo  []int // vertices in a topological order of non-cyclic edges
}

type vertex struct {
	recs    []int // Steps; recs[0] is the original
	in, out []int // edges
	unknown bool  // its original names no cause the flow holds
}

type edge struct {
	from, to int
	lat      time.Duration // from the cause's original to the first effect record
	cyclic   bool
}

func link(steps []Step) *flow {
	f := &flow{steps: steps, idx: make(map[string]int, len(steps))}
	for i := range steps {
		if v, ok := f.idx[steps[i].ID]; ok {
			f.vs[v].recs = append(f.vs[v].recs, i)
			continue
		}
		f.idx[steps[i].ID] = len(f.vs)
		f.vs = append(f.vs, vertex{recs: []int{i}})
	}
	pair := map[[2]int]bool{}
	for i := range steps {
		s := &steps[i]
		v := f.idx[s.ID]
		if s.Cause == "" {
			if f.vs[v].recs[0] == i {
				f.vs[v].unknown = true
			}
			continue
		}
		cv, ok := f.idx[s.Cause]
		if !ok {
			if f.vs[v].recs[0] == i {
				f.vs[v].unknown = true
			}
			if !ExternalCause(s) {
				f.miss = append(f.miss, i)
			}
			continue
		}
		if pair[[2]int{cv, v}] {
			continue
		}
		pair[[2]int{cv, v}] = true
		k := len(f.es)
		f.es = append(f.es, edge{from: cv, to: v, lat: s.Time.Sub(f.orig(cv).Time), cyclic: cv == v})
		f.vs[cv].out = append(f.vs[cv].out, k)
		f.vs[v].in = append(f.vs[v].in, k)
	}
	f.markCycles()
	f.topoOrder()
	return f
}

// measurable reports whether edge e's latency says how long the hop took:
// not when it loops, nor when its cause is timestamped before its own
// cause (that clock is off, so the time from it to the effect is too:
// the out_of_order anomaly tells it once).
func (f *flow) measurable(e edge) bool {
	if e.cyclic || e.lat < 0 {
		return false
	}
	for _, k := range f.vs[e.from].in {
		if in := f.es[k]; !in.cyclic && in.lat < 0 {
			return false
		}
	}
	return true
}

// IsTrigger reports whether a step's unseen cause is the flow's external
// trigger: the command or request that started the flow, whose ID became
// the flow's correlation ID (Axon, MassTransit, NServiceBus do this). It is
// drawn as the flow's trigger, not reported as an orphan.
func IsTrigger(s *Step) bool { return s.Cause != "" && s.Cause == s.Flow && s.Cause != s.ID }

// ExternalCause reports whether a step's unseen cause is outside Kafka by
// design, so no orphan: the flow's trigger (IsTrigger), or a message its
// framework does not publish (Class.UnpublishedCause: an Axon command).
func ExternalCause(s *Step) bool { return IsTrigger(s) || s.Cause != "" && s.Class.UnpublishedCause }

func (f *flow) orig(v int) *Step { return &f.steps[f.vs[v].recs[0]] }

// markCycles marks the edges that close causal cycles (a depth-first
// search from the vertices in order; an edge back to a vertex on the
// search path closes a cycle).
func (f *flow) markCycles() {
	const (
		white = iota
		onPath
		done
	)
	state := make([]uint8, len(f.vs))
	type frame struct{ v, next int }
	var stack []frame
	for s := range f.vs {
		if state[s] != white {
			continue
		}
		state[s] = onPath
		stack = append(stack[:0], frame{s, 0})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			out := f.vs[top.v].out
			if top.next == len(out) {
				state[top.v] = done
				stack = stack[:len(stack)-1]
				continue
			}
			e := &f.es[out[top.next]]
			top.next++
			switch state[e.to] {
			case onPath:
				e.cyclic = true
			case white:
				state[e.to] = onPath
				stack = append(stack, frame{e.to, 0})
			}
		}
	}
}

// topoOrder orders the vertices so that non-cyclic edges point forward.
func (f *flow) topoOrder() {
	indeg := make([]int, len(f.vs))
	for _, e := range f.es {
		if !e.cyclic {
			indeg[e.to]++
		}
	}
	f.topo = make([]int, 0, len(f.vs))
	for v := range f.vs {
		if indeg[v] == 0 {
			f.topo = append(f.topo, v)
		}
	}
	for h := 0; h < len(f.topo); h++ {
		for _, k := range f.vs[f.topo[h]].out {
			if e := f.es[k]; !e.cyclic {
				if indeg[e.to]--; indeg[e.to] == 0 {
					f.topo = append(f.topo, e.to)
				}
			}
		}
	}
}

// loops returns the strongly connected components that contain a cycle
// (more than one vertex, or a self-loop), each sorted, ordered by their
// first vertex. Tarjan's algorithm, iterative.
func (f *flow) loops() [][]int {
	n := len(f.vs)
	index, low := make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var comps [][]int
	var scc []int
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
		scc = append(scc, s)
		onStack[s] = true
		for len(call) > 0 {
			top := &call[len(call)-1]
			v := top.v
			if out := f.vs[v].out; top.next < len(out) {
				w := f.es[out[top.next]].to
				top.next++
				if index[w] < 0 {
					index[w], low[w] = counter, counter
					counter++
					scc = append(scc, w)
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
				w := scc[len(scc)-1]
				scc = scc[:len(scc)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 || f.selfLoop(v) {
				slices.Sort(comp)
				comps = append(comps, comp)
			}
		}
	}
	slices.SortFunc(comps, func(a, b []int) int { return a[0] - b[0] })
	return comps
}

func (f *flow) selfLoop(v int) bool {
	for _, k := range f.vs[v].out {
		if f.es[k].to == v {
			return true
		}
	}
	return false
}

// descendants returns the vertices reachable from v (v excluded unless on
// a cycle through it).
func (f *flow) descendants(v int, seen []bool) []int {
	clear(seen)
	var out []int
	stack := []int{v}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, k := range f.vs[u].out {
			if w := f.es[k].to; !seen[w] {
				seen[w] = true
				out = append(out, w)
				stack = append(stack, w)
			}
		}
	}
	return out
}
