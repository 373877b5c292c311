package graph

import (
	"slices"
	"strings"
	"time"
)

var kindRank = map[string]int{Orphan: 0, Duplicate: 1, OutOfOrder: 2, Cycle: 3, DeadLetter: 4, Stalled: 5, SlowHop: 6}

// anomalies finds every anomaly of the flow and orders them by kind, then
// by the events involved, and notes on each vertex the kinds it shows.
func (b *builder) anomalies(opts *Options) {
	f := b.f
	seenMiss := map[string]bool{} // one orphan per (event ID, missing cause)
	for _, m := range b.miss {
		e := &f.Events[m[0]]
		if e.Internal {
			continue
		}
		if key := e.EventID + "\x00" + e.CausationID; !seenMiss[key] {
			seenMiss[key] = true
			b.add(Orphan, "caused by "+e.CausationID+", which was not seen", e.EventID)
		}
	}
	for v := range f.Vertices {
		if topic, n := b.duplicated(v); n > 1 {
			f.Vertices[v].Dup = true
			var where []string
			for _, r := range f.Vertices[v].Records {
				if e := &f.Events[r]; e.Topic == topic && !e.Internal {
					if len(where) == 5 {
						where = append(where, "…")
						break
					}
					where = append(where, e.Coordinates())
				}
			}
			b.add(Duplicate, "published "+itoa(n)+" times on "+topic+": "+strings.Join(where, ", "), f.Vertices[v].ID)
		}
	}
	for k := range f.Edges {
		// a cycle must run back in time somewhere: its closing edge is the
		// cycle anomaly's to report
		if e := &f.Edges[k]; e.LatencyMS < 0 && !e.Cyclic && !b.orig(e.ToV).Internal && !b.orig(e.FromV).Internal {
			b.add(OutOfOrder, b.orig(e.ToV).Type+" is timestamped "+FormatMS(-e.LatencyMS)+
				" before its cause "+b.orig(e.FromV).Type, e.From, e.To)
		}
	}
	for i := range f.Events {
		if e := &f.Events[i]; !e.Internal && opts.IsDeadLetter(e.Topic) {
			b.add(DeadLetter, e.Type+" went to dead-letter topic "+e.Topic, e.EventID)
		}
	}
	b.stalls(opts)
	b.slowHops(opts)
	slices.SortStableFunc(b.anoms, func(x, y Anomaly) int { return kindRank[x.Kind] - kindRank[y.Kind] })
	f.Anomalies = append(f.Anomalies, b.anoms...)
	for _, a := range f.Anomalies {
		for _, id := range a.EventIDs {
			if v, ok := b.idx[id]; ok && !slices.Contains(f.Vertices[v].Kinds, a.Kind) {
				f.Vertices[v].Kinds = append(f.Vertices[v].Kinds, a.Kind)
			}
		}
	}
	for v := range f.Vertices {
		slices.Sort(f.Vertices[v].Kinds)
	}
}

// duplicated returns the topic on which vertex v has the most business
// records, and how many: more than one is a duplicate (the same event
// published or delivered again on one topic). Records on other topics are
// the same event published to several topics, not duplicates.
func (b *builder) duplicated(v int) (topic string, n int) {
	rs := b.f.Vertices[v].Records
	if len(rs) < 2 {
		return "", len(rs)
	}
	count := map[string]int{}
	for _, r := range rs {
		if e := &b.f.Events[r]; !e.Internal {
			count[e.Topic]++
			if c := count[e.Topic]; c > n || c == n && e.Topic < topic {
				topic, n = e.Topic, c
			}
		}
	}
	return topic, n
}

func (b *builder) add(kind, detail string, ids ...string) {
	b.anoms = append(b.anoms, Anomaly{Kind: kind, EventIDs: ids, Detail: detail})
}

// slowHops flags edges far slower than their type pair's baseline.
func (b *builder) slowHops(opts *Options) {
	if len(opts.HopBaseline) == 0 {
		return
	}
	f := b.f
	floor := ms(opts.SlowFloor)
	for k := range f.Edges {
		e := &f.Edges[k]
		if e.Cyclic {
			continue
		}
		from, to := b.orig(e.FromV).Type, b.orig(e.ToV).Type
		st, ok := opts.HopBaseline[HopKey{Cause: from, Effect: to}]
		if !ok || e.LatencyMS <= floor || e.LatencyMS <= opts.SlowFactor*st.P99MS {
			continue
		}
		e.Slow = true
		b.add(SlowHop, from+" → "+to+" took "+FormatMS(e.LatencyMS)+", usually under "+
			FormatMS(st.P99MS)+" (p99 of "+itoa(st.Count)+")", e.From, e.To)
	}
}

// stalls checks the stall rules: an event whose rule's deadline passed
// before opts.Now with no expected follow-up. Which expected types follow a
// vertex is computed bottom-up as bit sets over the topological order.
func (b *builder) stalls(opts *Options) {
	if opts.Now.IsZero() || len(opts.StallRules) == 0 {
		return
	}
	f := b.f
	bit := map[string]int{}
	rules := map[string][]int{}
	for r, rule := range opts.StallRules {
		rules[rule.Type] = append(rules[rule.Type], r)
		for _, t := range rule.Expect {
			if _, ok := bit[t]; !ok {
				bit[t] = len(bit)
			}
		}
	}
	words := (len(bit) + 63) / 64
	own := make([]uint64, len(f.Vertices)*words)
	desc := make([]uint64, len(f.Vertices)*words)
	unlinked := make([]time.Time, len(bit)) // per bit: latest event of the type with no known cause
	for v := range f.Vertices {
		e := b.orig(v)
		if i, ok := bit[e.Type]; ok {
			own[v*words+i/64] |= 1 << (i % 64)
			if len(f.Vertices[v].In) == 0 && e.Time.After(unlinked[i]) {
				unlinked[i] = e.Time
			}
		}
	}
	for h := len(b.topo) - 1; h >= 0; h-- {
		u := b.topo[h]
		for _, k := range f.Vertices[u].Out {
			if c := f.Edges[k].ToV; !f.Edges[k].Cyclic {
				for w := 0; w < words; w++ {
					desc[u*words+w] |= own[c*words+w] | desc[c*words+w]
				}
			}
		}
	}
	for v := range f.Vertices {
		e := b.orig(v)
		for _, r := range rules[e.Type] {
			rule := opts.StallRules[r]
			waited := opts.Now.Sub(e.Time)
			if waited <= rule.Within || b.followed(v, rule, bit, desc[v*words:(v+1)*words], unlinked) {
				continue
			}
			b.add(Stalled, e.Type+" expects "+strings.Join(rule.Expect, " or ")+" within "+
				fmtDur(rule.Within)+"; nothing followed in "+fmtDur(waited), e.EventID)
		}
	}
}

// followed reports whether vertex v has a follow-up its rule expects: a
// descendant of an expected type, or an event of that type with no known
// cause, not earlier than v (v itself does not count, for rules that expect
// their own type).
func (b *builder) followed(v int, rule StallRule, bit map[string]int, desc []uint64, unlinked []time.Time) bool {
	t := b.orig(v).Time
	for _, typ := range rule.Expect {
		i := bit[typ]
		if desc[i/64]&(1<<(i%64)) != 0 {
			return true
		}
		if u := unlinked[i]; !u.IsZero() && !u.Before(t) && (typ != rule.Type || len(b.f.Vertices[v].In) > 0) {
			return true
		}
	}
	return false
}
