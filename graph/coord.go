package graph

// centres computes the vertical centres of a component's virtual nodes:
// packed in layer order, then pulled towards their neighbours' centres by a
// weighted isotonic regression that keeps them apart, sweeping down and up.
func (v *virt) centres(lo *LayoutOptions) []float64 {
	c := make([]float64, len(v.layer))
	for _, nodes := range v.layers {
		y := 0.0
		for i, u := range nodes {
			if i > 0 {
				y += v.sep(nodes[i-1], u, lo)
			}
			c[u] = y
		}
	}
	for pass := 0; pass < 6; pass++ {
		v.align(c, pass%2 == 0, lo)
	}
	return c
}

// span returns the top and bottom of a component's boxes.
func (v *virt) span(c []float64) (top, bottom float64) {
	for u := range c {
		if u == 0 || c[u]-v.h[u]/2 < top {
			top = c[u] - v.h[u]/2
		}
		if u == 0 || c[u]+v.h[u]/2 > bottom {
			bottom = c[u] + v.h[u]/2
		}
	}
	return top, bottom
}

// stack gives the components shared columns (one per layer, as wide as its
// widest node; nodes centred in it), stacks them top to bottom, and routes
// every edge.
func stack(parts []*part, r *lresult, lo *LayoutOptions) {
	var colW []float64
	for _, p := range parts {
		for l, nodes := range p.v.layers {
			if l == len(colW) {
				colW = append(colW, 0)
			}
			for _, u := range nodes {
				colW[l] = max(colW[l], p.v.w[u])
			}
		}
	}
	colX := make([]float64, len(colW))
	x := lo.Margin
	for l := range colW {
		colX[l] = x
		x += colW[l] + lo.LayerGap
	}
	r.width = max(x-lo.LayerGap, lo.Margin) + lo.Margin
	y := lo.Margin
	for i, p := range parts {
		if i > 0 {
			y += lo.NodeGap * 1.5
		}
		top, bottom := p.v.span(p.c)
		for u := range p.c {
			p.c[u] += y - top
		}
		local := &lresult{x: make([]float64, p.v.n), y: make([]float64, p.v.n)}
		for u := 0; u < p.v.n; u++ {
			l := p.v.layer[u]
			local.x[u] = colX[l] + (colW[l]-p.v.w[u])/2
			local.y[u] = p.c[u] - p.v.h[u]/2
			g := p.nodes[u]
			r.x[g], r.y[g], r.layer[g] = local.x[u], local.y[u], l
		}
		for k, chain := range p.v.chains {
			r.paths[p.edges[k]] = p.v.route(chain, p.v.rev[k], local, p.c, colX, colW, lo)
		}
		y += bottom - top
	}
	r.height = y + lo.Margin
}

// sep is the distance between the centres of neighbours a and b.
func (v *virt) sep(a, b int, lo *LayoutOptions) float64 {
	gap := lo.NodeGap
	if v.dummy(a) || v.dummy(b) {
		gap = lo.NodeGap / 2
	}
	return (v.h[a]+v.h[b])/2 + gap
}

// align moves every layer's nodes (one sweep, down or up) towards the mean
// centre of their neighbours on the other side, without overlaps.
// Segments of long edges weigh more so they run straight.
func (v *virt) align(c []float64, down bool, lo *LayoutOptions) {
	n := len(v.layers)
	var want, weight, off []float64
	for s := 1; s < n; s++ {
		l := s
		if !down {
			l = n - 1 - s
		}
		nodes := v.layers[l]
		want, weight, off = want[:0], weight[:0], off[:0]
		o := 0.0
		for i, u := range nodes {
			if i > 0 {
				o += v.sep(nodes[i-1], u, lo)
			}
			nb := v.up[u]
			if !down {
				nb = v.down[u]
			}
			sum, wsum := 0.0, 0.0
			for _, w := range nb {
				ew := 1.0
				if v.dummy(u) && v.dummy(w) {
					ew = 8
				} else if v.dummy(u) || v.dummy(w) {
					ew = 2
				}
				sum += ew * c[w]
				wsum += ew
			}
			if wsum == 0 {
				sum, wsum = 0.25*c[u], 0.25
			}
			want = append(want, sum/wsum-o)
			weight = append(weight, wsum)
			off = append(off, o)
		}
		z := isotonic(want, weight)
		for i, u := range nodes {
			c[u] = z[i] + off[i]
		}
	}
}

// isotonic returns the non-decreasing sequence closest to want in weighted
// least squares (pool adjacent violators). It reuses want's storage.
func isotonic(want, weight []float64) []float64 {
	type block struct {
		w, sum float64
		n      int
	}
	blocks := make([]block, 0, len(want))
	for i := range want {
		blocks = append(blocks, block{weight[i], weight[i] * want[i], 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/a.w <= b.sum/b.w {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, block{a.w + b.w, a.sum + b.sum, a.n + b.n})
		}
	}
	i := 0
	for _, b := range blocks {
		m := b.sum / b.w
		for j := 0; j < b.n; j++ {
			want[i] = m
			i++
		}
	}
	return want
}
