package diagnose

import (
	"cmp"
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// LearnOptions bound what Learn keeps and decide what it concludes.
type LearnOptions struct {
	// MinSamples: a hop seen fewer times, or a root type with fewer
	// flows, teaches nothing (default 20).
	MinSamples int
	// MaxSamples bounds the latencies kept per hop and per (root, type)
	// (default 2000; a larger sample is thinned evenly).
	MaxSamples int
	// Share: a type follows a root type "usually" when it does in at least
	// this share of its flows (default 0.95).
	Share float64
	// Factor × the p99 delay of a usual follow-up is the learned stall
	// rule's Within, at least MinWithin (defaults 3 and 1s).
	Factor    float64
	MinWithin time.Duration
}

func (o *LearnOptions) defaults() {
	if o.MinSamples <= 0 {
		o.MinSamples = 20
	}
	if o.MaxSamples <= 0 {
		o.MaxSamples = 2000
	}
	if o.Share <= 0 {
		o.Share = 0.95
	}
	if o.Factor <= 0 {
		o.Factor = 3
	}
	if o.MinWithin <= 0 {
		o.MinWithin = time.Second
	}
}

// Learn draws a Baseline from flows (each a flow's Steps in store order):
// per (cause type → effect type) the hop latencies, and per root type the
// types that follow it in at least Share of its flows, as learned stall
// rules (Within: Factor × p99 of the delay). Memory is bounded by the
// number of distinct types and MaxSamples, not by the flows.
func Learn(flows [][]Step, o LearnOptions) *Baseline {
	o.defaults()
	hops := map[HopKey]*sampler{}
	roots := map[[2]string]int{}       // (root type, outcome) -> flows with it
	follow := map[[3]string]*sampler{} // (root type, outcome, type) -> delays
	for _, steps := range flows {
		f := link(steps)
		for _, e := range f.es {
			if !f.measurable(e) {
				continue
			}
			k := HopKey{Cause: f.orig(e.from).Type, Effect: f.orig(e.to).Type}
			if hops[k] == nil {
				hops[k] = &sampler{max: o.MaxSamples}
			}
			hops[k].add(MS(e.lat))
		}
		learnFollowers(f, roots, follow, o.MaxSamples)
	}
	b := &Baseline{Hops: map[HopKey]HopStats{}, Flows: len(flows)}
	for k, s := range hops {
		if s.n >= o.MinSamples {
			b.Hops[k] = s.stats()
		}
	}
	for k, s := range follow {
		n := roots[[2]string{k[0], k[1]}]
		if n < o.MinSamples || float64(s.n) < o.Share*float64(n) {
			continue
		}
		p99 := s.stats().P99MS
		within := max(o.MinWithin, time.Duration(o.Factor*p99*float64(time.Millisecond)))
		b.Rules = append(b.Rules, Rule{After: k[0], Expect: []string{k[2]}, Within: within, Learned: n, Given: k[1]})
	}
	slices.SortFunc(b.Rules, func(x, y Rule) int {
		return cmp.Or(cmp.Compare(x.After, y.After), cmp.Compare(x.Given, y.Given), cmp.Compare(x.Expect[0], y.Expect[0]))
	})
	return b
}

// learnFollowers counts, for each root of the flow (first record, no
// known cause, not a dead letter), the flow under its type and outcome
// (the type of its first failure not recovered, "" when none: see
// Config.rules) and, per other type of the flow, the delay to its first
// event not earlier than the root: flows that failed alike teach what
// such flows usually do (a cancelled order is still boxed), apart from
// the healthy ones. A compensation is not learned as an expectation of a
// failed flow: a failure without one is the failed status already.
func learnFollowers(f *flow, roots map[[2]string]int, follow map[[3]string]*sampler, maxSamples int) {
	var r Report
	(&Config{}).failures(f, &r)
	given := outcome(r.Failures)
	seen := map[string]bool{}
	for v := range f.vs {
		o := f.orig(v)
		if len(f.vs[v].in) > 0 || o.Type == "" || seen[o.Type] || o.Class.DeadLetter {
			continue
		}
		seen[o.Type] = true
		roots[[2]string{o.Type, given}]++
		first := map[string]time.Time{}
		for i := range f.steps {
			s := &f.steps[i]
			if s.Type == o.Type || s.Type == "" || s.Time.Before(o.Time) || s.Class.DeadLetter ||
				given != "" && s.Class.Compensation {
				continue
			}
			if t, ok := first[s.Type]; !ok || s.Time.Before(t) {
				first[s.Type] = s.Time
			}
		}
		for typ, t := range first {
			k := [3]string{o.Type, given, typ}
			if follow[k] == nil {
				follow[k] = &sampler{max: maxSamples}
			}
			follow[k].add(MS(t.Sub(o.Time)))
		}
	}
}

// sampler keeps at most max values, evenly thinned: once full, it keeps
// every second value it is given from then on, halving what it holds.
type sampler struct {
	xs         []float64
	n, max     int
	every, cnt int
}

func (s *sampler) add(x float64) {
	s.n++
	if s.every == 0 {
		s.every = 1
	}
	if s.cnt++; s.cnt%s.every != 0 {
		return
	}
	s.xs = append(s.xs, x)
	if len(s.xs) >= s.max {
		half := s.xs[:0]
		for i := 0; i < len(s.xs); i += 2 {
			half = append(half, s.xs[i])
		}
		s.xs, s.every = half, s.every*2
	}
}

func (s *sampler) stats() HopStats {
	xs := slices.Clone(s.xs)
	slices.Sort(xs)
	q := func(p float64) float64 {
		if len(xs) == 0 {
			return 0
		}
		i := int(math.Ceil(p*float64(len(xs)))) - 1
		return xs[max(0, min(i, len(xs)-1))]
	}
	h := HopStats{Count: s.n, P50MS: q(0.5), P99MS: q(0.99), MaxMS: q(1)}
	h.UsualMS = h.P99MS
	if len(xs) > 0 {
		q1, q3 := q(0.25), q(0.75)
		fence := q3 + 3*(q3-q1)
		n, _ := slices.BinarySearch(xs, math.Nextafter(fence, math.Inf(1)))
		if n < len(xs) && float64(len(xs)-n) <= farOutShare*float64(len(xs)) {
			usual := xs[:n]
			h.UsualMS = usual[max(0, int(math.Ceil(0.99*float64(len(usual))))-1)]
		}
	}
	return h
}

// farOutShare: far-out latencies are left out of a hop's usual ones only
// when at most this share of them is far out (more are a usual mode of
// the hop, not slow hops).
const farOutShare = 0.05

// BaselineSource holds the newest learned Baseline for every Config that
// points to it (the graph's, the stores'): a learner replaces it while
// flows are analysed.
type BaselineSource struct{ p atomic.Pointer[Baseline] }

// Set replaces the baseline.
func (s *BaselineSource) Set(b *Baseline) { s.p.Store(b) }

// Get returns the baseline (nil before the first Set).
func (s *BaselineSource) Get() *Baseline {
	if s == nil {
		return nil
	}
	return s.p.Load()
}
