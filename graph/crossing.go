package graph

import "slices"

// order reduces edge crossings: alternate down and up sweeps, sorting each
// layer by the barycenter of its neighbours in the layer just fixed, and
// keep the best order seen (fewest crossings; earliest on ties).
func (v *virt) order(sweeps int) {
	v.index()
	v.sweep(true) // initial order: children follow their parents
	best, bestOrder := v.crossings(), v.snapshot()
	for s := 0; s < sweeps && best > 0; s++ {
		v.sweep(s%2 == 1)
		if c := v.crossings(); c < best {
			best, bestOrder = c, v.snapshot()
		}
	}
	v.layers = bestOrder
	v.index()
}

func (v *virt) index() {
	for _, l := range v.layers {
		for i, u := range l {
			v.pos[u] = i
		}
	}
}

func (v *virt) snapshot() [][]int {
	out := make([][]int, len(v.layers))
	for i, l := range v.layers {
		out[i] = slices.Clone(l)
	}
	return out
}

// sweep reorders layers top to bottom (down, by upper neighbours) or
// bottom to top (by lower neighbours). Nodes without neighbours on that
// side keep their position as their key.
func (v *virt) sweep(down bool) {
	type keyed struct {
		key float64
		pos int
		u   int
	}
	var buf []keyed
	n := len(v.layers)
	for s := 1; s < n; s++ {
		l := s
		if !down {
			l = n - 1 - s
		}
		buf = buf[:0]
		for _, u := range v.layers[l] {
			nb := v.up[u]
			if !down {
				nb = v.down[u]
			}
			k := float64(v.pos[u])
			if len(nb) > 0 {
				sum := 0
				for _, w := range nb {
					sum += v.pos[w]
				}
				k = float64(sum) / float64(len(nb))
			}
			buf = append(buf, keyed{k, v.pos[u], u})
		}
		slices.SortFunc(buf, func(a, b keyed) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return a.pos - b.pos
		})
		for i, kv := range buf {
			v.layers[l][i] = kv.u
			v.pos[kv.u] = i
		}
	}
}

// crossings counts edge crossings between all adjacent layers by counting
// inversions with a Fenwick tree (Barth, Jünger and Mutzel).
func (v *virt) crossings() int {
	total := 0
	var pairs [][2]int
	for l := 0; l+1 < len(v.layers); l++ {
		pairs = pairs[:0]
		for _, u := range v.layers[l] {
			for _, w := range v.down[u] {
				pairs = append(pairs, [2]int{v.pos[u], v.pos[w]})
			}
		}
		slices.SortFunc(pairs, func(a, b [2]int) int {
			if a[0] != b[0] {
				return a[0] - b[0]
			}
			return a[1] - b[1]
		})
		size := len(v.layers[l+1])
		tree := make([]int, size+1)
		for i, p := range pairs {
			// edges seen so far whose lower end lies right of p's
			le := 0
			for j := p[1] + 1; j > 0; j -= j & -j {
				le += tree[j]
			}
			total += i - le
			for j := p[1] + 1; j <= size; j += j & -j {
				tree[j]++
			}
		}
	}
	return total
}
