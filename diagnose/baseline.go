package diagnose

// HopKey names a hop by the types of its cause and its effect.
type HopKey struct{ Cause, Effect string }

// HopStats summarises the latencies seen for one hop.
type HopStats struct {
	Count int
	P50MS float64
	P99MS float64
	MaxMS float64
}

// Baseline is what was learned from stored traffic: the usual latency of
// each hop (for slow_hop) and, per root type, the types that usually follow
// and how soon (as learned stall Rules). Flows is the number of flows it
// was learned from.
type Baseline struct {
	Hops  map[HopKey]HopStats
	Rules []Rule
	Flows int
}
