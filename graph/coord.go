package graph

// place computes coordinates: a column per layer (nodes centred in it) and,
// within a layer, centres pulled towards the neighbours' centres by a
// weighted isotonic regression that keeps the nodes apart.
func (v *virt) place(g *lgraph, lo *LayoutOptions) *lresult {
	nv := len(v.layer)
	colX := make([]float64, len(v.layers))
	colW := make([]float64, len(v.layers))
	x := lo.Margin
	for l, nodes := range v.layers {
		for _, u := range nodes {
			colW[l] = max(colW[l], v.w[u])
		}
		colX[l] = x
		x += colW[l] + lo.LayerGap
	}
	width := x - lo.LayerGap + lo.Margin
	c := make([]float64, nv) // vertical centres
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
	top, bottom := 0.0, 0.0
	for u := 0; u < nv; u++ {
		if u == 0 || c[u]-v.h[u]/2 < top {
			top = c[u] - v.h[u]/2
		}
		if u == 0 || c[u]+v.h[u]/2 > bottom {
			bottom = c[u] + v.h[u]/2
		}
	}
	shift := lo.Margin - top
	r := &lresult{
		x: make([]float64, v.n), y: make([]float64, v.n), layer: v.layer[:v.n],
		paths: make([][][2]float64, len(v.chains)),
		width: width, height: bottom + shift + lo.Margin,
	}
	for u := 0; u < nv; u++ {
		c[u] += shift
	}
	for u := 0; u < v.n; u++ {
		l := v.layer[u]
		r.x[u] = colX[l] + (colW[l]-v.w[u])/2
		r.y[u] = c[u] - v.h[u]/2
	}
	for k, chain := range v.chains {
		r.paths[k] = v.route(chain, v.rev[k], r, c, colX, colW)
	}
	return r
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
