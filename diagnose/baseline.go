package diagnose

// HopKey names a hop by the types of its cause and its effect.
type HopKey struct{ Cause, Effect string }

// HopStats summarises the latencies seen for one hop.
type HopStats struct {
	Count int
	P50MS float64
	P99MS float64
	MaxMS float64
	// UsualMS is the p99 of the usual latencies: the far-out ones (above
	// the third quartile by more than three interquartile ranges) left
	// out when they are rare (at most 5%), since they are the slow hops a
	// baseline must tell, not learn. 0: not computed (use P99MS).
	UsualMS float64
}

// Usual is the latency (ms) above which a hop is unusual: UsualMS, or
// P99MS when that was not computed.
func (h HopStats) Usual() float64 {
	if h.UsualMS > 0 {
		return h.UsualMS
	}
	return h.P99MS
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
