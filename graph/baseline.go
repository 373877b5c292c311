package graph

import (
	"math"
	"slices"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// HopKey names a hop by the types of its cause and its effect.
type HopKey = diagnose.HopKey

// HopStats summarises the latencies seen for one hop.
type HopStats = diagnose.HopStats

// Baseline holds the usual latency of each hop, for slow-hop detection.
type Baseline map[HopKey]HopStats

// BaselineOf computes hop baselines from recent events of any number of
// flows (cause and effect are matched by event ID across all of them).
// Hops seen fewer than minSamples times are left out: their p99 would mean
// little. Negative latencies (clock skew) are left out too.
func BaselineOf(events []event.Event, minSamples int) Baseline {
	return baselineFrom(hopSamples(events), minSamples)
}

// BaselineOfFlows is BaselineOf over already built flows.
func BaselineOfFlows(flows []*Flow, minSamples int) Baseline {
	samples := map[HopKey][]float64{}
	for _, f := range flows {
		for k := range f.Edges {
			e := &f.Edges[k]
			if e.Cyclic || e.LatencyMS < 0 {
				continue
			}
			key := HopKey{Cause: f.Events[f.Vertices[e.FromV].Records[0]].Type, Effect: f.Events[f.Vertices[e.ToV].Records[0]].Type}
			samples[key] = append(samples[key], e.LatencyMS)
		}
	}
	return baselineFrom(samples, minSamples)
}

// hopSamples collects the latency of every cause→effect hop in events,
// keyed by type pair; a cause is the first record with the causation ID.
func hopSamples(events []event.Event) map[HopKey][]float64 {
	first := make(map[string]int, len(events))
	for i := range events {
		if _, ok := first[events[i].EventID]; !ok {
			first[events[i].EventID] = i
		}
	}
	samples := map[HopKey][]float64{}
	for i := range events {
		e := &events[i]
		c, ok := first[e.CausationID]
		if e.CausationID == "" || !ok || e.CausationID == e.EventID {
			continue
		}
		if lat := ms(e.Time.Sub(events[c].Time)); lat >= 0 {
			key := HopKey{Cause: events[c].Type, Effect: e.Type}
			samples[key] = append(samples[key], lat)
		}
	}
	return samples
}

func baselineFrom(samples map[HopKey][]float64, minSamples int) Baseline {
	out := Baseline{}
	for key, xs := range samples {
		if len(xs) < minSamples || len(xs) == 0 {
			continue
		}
		out[key] = statsOf(xs)
	}
	return out
}

// statsOf sorts xs in place and returns their count, p50, p99 and max.
func statsOf(xs []float64) HopStats {
	slices.Sort(xs)
	return HopStats{Count: len(xs), P50MS: quantile(xs, 0.50), P99MS: quantile(xs, 0.99), MaxMS: xs[len(xs)-1]}
}

// quantile is the nearest-rank quantile of sorted xs (0 when empty).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
