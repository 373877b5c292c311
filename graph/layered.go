package graph

// A Sugiyama-style layered layout, left to right: break cycles, assign
// layers (longest path), insert dummy nodes on long edges, reduce crossings
// with barycenter sweeps, place nodes (columns for layers; within a layer
// an isotonic regression pulls each node towards its neighbours without
// overlaps) and route every edge as a polyline through its dummies. Edge
// segments run either horizontally inside their own node's or dummy's band
// of a column, or diagonally through the empty gap between two columns, so
// they never cross a node box. Every step is O((V+E) log V) per sweep.

// lgraph is the layout engine's input. Node indexes are their priority:
// ties anywhere are broken by index, so callers pass nodes in time order.
type lgraph struct {
	w, h     []float64
	minLayer []int    // lowest layer a node may take (0 if nil)
	edges    [][2]int // from, to
}

// lresult is the layout engine's output; coordinates are top-left corners.
type lresult struct {
	x, y          []float64
	layer         []int
	paths         [][][2]float64 // per edge, from its From to its To
	width, height float64
}

// virt is the layered graph with dummies.
type virt struct {
	n      int // real nodes; dummies follow
	layer  []int
	w, h   []float64
	up     [][]int // neighbours in the previous layer
	down   [][]int // neighbours in the next layer
	chains [][]int // per input edge: virtual nodes along it, in layer order
	rev    []bool  // per input edge: reversed to break a cycle
	layers [][]int // nodes of each layer in order
	pos    []int   // index of each node within its layer
}

func layered(g *lgraph, lo *LayoutOptions) *lresult {
	n := len(g.w)
	r := &lresult{x: make([]float64, n), y: make([]float64, n), layer: make([]int, n),
		paths: make([][][2]float64, len(g.edges))}
	var parts []*part
	for _, p := range split(g) {
		rev := breakLayerCycles(len(p.g.w), p.g.edges)
		layer := assignLayers(len(p.g.w), p.g.edges, rev, p.g.minLayer)
		p.v = buildVirt(p.g, layer, rev)
		p.v.order(lo.Sweeps)
		p.c = p.v.centres(lo)
		parts = append(parts, p)
	}
	stack(parts, r, lo)
	return r
}

// part is one connected component, laid out on its own; components are
// stacked top to bottom in order of their first node and share columns.
type part struct {
	g     *lgraph
	nodes []int // global index of each local node
	edges []int // global index of each local edge
	v     *virt
	c     []float64 // vertical centres of the virtual nodes
}

// split cuts the graph into connected components (union-find), ordered by
// their lowest node index, with nodes and edges in index order.
func split(g *lgraph) []*part {
	n := len(g.w)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range g.edges {
		a, b := find(e[0]), find(e[1])
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	byRoot := map[int]*part{}
	var parts []*part
	local := make([]int, n)
	for i := 0; i < n; i++ {
		root := find(i)
		p := byRoot[root]
		if p == nil {
			p = &part{g: &lgraph{}}
			byRoot[root] = p
			parts = append(parts, p)
		}
		local[i] = len(p.nodes)
		p.nodes = append(p.nodes, i)
		p.g.w = append(p.g.w, g.w[i])
		p.g.h = append(p.g.h, g.h[i])
		ml := 0
		if g.minLayer != nil {
			ml = g.minLayer[i]
		}
		p.g.minLayer = append(p.g.minLayer, ml)
	}
	for k, e := range g.edges {
		p := byRoot[find(e[0])]
		p.edges = append(p.edges, k)
		p.g.edges = append(p.g.edges, [2]int{local[e[0]], local[e[1]]})
	}
	return parts
}

// breakLayerCycles finds edges that close cycles (DFS from nodes in index
// order) and self-loops; those are reversed (self-loops ignored) by layering.
func breakLayerCycles(n int, edges [][2]int) []bool {
	out := make([][]int, n)
	for k, e := range edges {
		out[e[0]] = append(out[e[0]], k)
	}
	rev := make([]bool, len(edges))
	state := make([]uint8, n)
	type frame struct{ v, next int }
	var stack []frame
	for s := 0; s < n; s++ {
		if state[s] != 0 {
			continue
		}
		state[s] = 1
		stack = append(stack[:0], frame{s, 0})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(out[top.v]) {
				state[top.v] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			k := out[top.v][top.next]
			top.next++
			switch to := edges[k][1]; state[to] {
			case 1:
				rev[k] = true
			case 0:
				state[to] = 1
				stack = append(stack, frame{to, 0})
			}
		}
	}
	return rev
}

// dagEdge returns edge k in layering direction.
func dagEdge(e [2]int, rev bool) (int, int) {
	if rev {
		return e[1], e[0]
	}
	return e[0], e[1]
}

// assignLayers gives each node the longest path from a source (at least
// its minLayer), then moves sources right next to their nearest successor.
func assignLayers(n int, edges [][2]int, rev []bool, minLayer []int) []int {
	layer := make([]int, n)
	copy(layer, minLayer)
	indeg := make([]int, n)
	out := make([][]int, n)
	for k, e := range edges {
		if e[0] == e[1] {
			continue
		}
		a, b := dagEdge(e, rev[k])
		out[a] = append(out[a], b)
		indeg[b]++
	}
	queue := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	sources := len(queue)
	for h := 0; h < len(queue); h++ {
		a := queue[h]
		for _, b := range out[a] {
			layer[b] = max(layer[b], layer[a]+1)
			if indeg[b]--; indeg[b] == 0 {
				queue = append(queue, b)
			}
		}
	}
	for _, a := range queue[:sources] {
		if len(out[a]) == 0 {
			continue
		}
		lowest := layer[out[a][0]]
		for _, b := range out[a] {
			lowest = min(lowest, layer[b])
		}
		layer[a] = max(layer[a], lowest-1)
	}
	return layer
}

// buildVirt splits edges spanning several layers with dummy nodes.
func buildVirt(g *lgraph, layer []int, rev []bool) *virt {
	n := len(g.w)
	v := &virt{n: n, layer: layer, w: g.w, h: g.h, rev: rev}
	v.w = append([]float64(nil), g.w...)
	v.h = append([]float64(nil), g.h...)
	v.up = make([][]int, n)
	v.down = make([][]int, n)
	v.chains = make([][]int, len(g.edges))
	for k, e := range g.edges {
		if e[0] == e[1] {
			v.chains[k] = []int{e[0]}
			continue
		}
		a, b := dagEdge(e, rev[k])
		chain := []int{a}
		for l := layer[a] + 1; l < layer[b]; l++ {
			d := len(v.layer)
			v.layer = append(v.layer, l)
			v.w = append(v.w, 0)
			v.h = append(v.h, 0)
			v.up = append(v.up, nil)
			v.down = append(v.down, nil)
			chain = append(chain, d)
		}
		chain = append(chain, b)
		for i := 1; i < len(chain); i++ {
			v.down[chain[i-1]] = append(v.down[chain[i-1]], chain[i])
			v.up[chain[i]] = append(v.up[chain[i]], chain[i-1])
		}
		v.chains[k] = chain
	}
	top := 0
	for _, l := range v.layer {
		top = max(top, l)
	}
	v.layers = make([][]int, top+1)
	for i, l := range v.layer {
		v.layers[l] = append(v.layers[l], i)
	}
	v.pos = make([]int, len(v.layer))
	return v
}

func (v *virt) dummy(i int) bool { return i >= v.n }
