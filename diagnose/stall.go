package diagnose

import (
	"cmp"
	"strings"
	"time"
)

// rules returns the stall rules in force: the explicit ones, and the
// learned ones for types no explicit rule covers that were learned from
// flows with the same outcome: given is the type of the flow's first
// failure not recovered ("" when none: a dead letter whose work was done
// after all is back on the usual course). A compensated or failed flow
// ends otherwise than a healthy one, so it is held to what flows with
// the same failure usually did.
func (c *Config) rules(given string) []Rule {
	b := c.base()
	if b == nil || len(b.Rules) == 0 {
		return c.Rules
	}
	explicit := map[string]bool{}
	for _, r := range c.Rules {
		explicit[r.After] = true
	}
	out := append([]Rule(nil), c.Rules...)
	for _, r := range b.Rules {
		if !explicit[r.After] && r.Given == given {
			out = append(out, r)
		}
	}
	return out
}

// outcome is the type of the first failure of fs (in time order) that was
// not recovered, "" when none.
func outcome(fs []FailedEvent) string {
	for _, fl := range fs {
		if fl.RecoveredBy == "" {
			return cmp.Or(fl.Type, "?")
		}
	}
	return ""
}

// stalls checks the stall rules: an event whose rule's follow-up has not
// come by its deadline (its time + Within). Explicit rules apply to every
// event of their type, learned rules to roots (events with no known cause
// in the flow). Records on dead-letter topics expect nothing: they are
// parked copies, not steps. Every unmet deadline moves StallAt; those
// before now are stalled anomalies. Which expected types follow a vertex is
// computed bottom-up as bit sets over the topological order.
func (c *Config) stalls(f *flow, r *Report, now time.Time) {
	rules := c.rules(outcome(r.Failures))
	if len(rules) == 0 {
		return
	}
	bit := map[string]int{}
	byType := map[string][]int{}
	for i, rule := range rules {
		byType[rule.After] = append(byType[rule.After], i)
		for _, t := range rule.Expect {
			if _, ok := bit[t]; !ok {
				bit[t] = len(bit)
			}
		}
	}
	words := (len(bit) + 63) / 64
	own := make([]uint64, len(f.vs)*words)
	desc := make([]uint64, len(f.vs)*words)
	unlinked := make([]time.Time, len(bit)) // per bit: latest event of the type with no known cause
	latest := make([]time.Time, len(bit))   // per bit: latest event of the type
	for v := range f.vs {
		o := f.orig(v)
		if i, ok := bit[o.Type]; ok && !o.Class.DeadLetter {
			own[v*words+i/64] |= 1 << (i % 64)
			if len(f.vs[v].in) == 0 && o.Time.After(unlinked[i]) {
				unlinked[i] = o.Time
			}
			if o.Time.After(latest[i]) {
				latest[i] = o.Time
			}
		}
	}
	for h := len(f.topo) - 1; h >= 0; h-- {
		u := f.topo[h]
		for _, k := range f.vs[u].out {
			if e := f.es[k]; !e.cyclic {
				for w := 0; w < words; w++ {
					desc[u*words+w] |= own[e.to*words+w] | desc[e.to*words+w]
				}
			}
		}
	}
	for v := range f.vs {
		o := f.orig(v)
		if o.Class.DeadLetter {
			continue
		}
		for _, ri := range byType[o.Type] {
			rule := rules[ri]
			if rule.Learned > 0 && len(f.vs[v].in) > 0 {
				continue
			}
			if f.followed(v, rule, bit, desc[v*words:(v+1)*words], unlinked, latest) {
				continue
			}
			at := o.Time.Add(rule.Within)
			if r.StallAt.IsZero() || at.Before(r.StallAt) {
				r.StallAt = at
			}
			if now.IsZero() || !now.After(at) {
				continue
			}
			d := o.Type + " expects " + strings.Join(rule.Expect, " or ") + " within " +
				FormatDur(rule.Within) + "; nothing followed in " + FormatDur(now.Sub(o.Time))
			if rule.Learned > 0 {
				with := ""
				if rule.Given != "" {
					with = " with " + rule.Given
				}
				d += " (learned from " + itoa(rule.Learned) + " flows" + with + ")"
				r.Learned = max(r.Learned, rule.Learned)
			}
			r.add(Stalled, d, o.ID)
		}
	}
}

// followed reports whether vertex v has a follow-up its rule expects: a
// descendant of an expected type (whatever its timestamp), or an event of
// that type in the flow not earlier than v — the flow reached the type,
// by whatever causal path (a delivery caused by the boxing, not by the
// payment, still follows the payment). For a rule that expects its own
// type, v itself does not count: only a descendant, or an event of the
// type with no known cause, not earlier.
func (f *flow) followed(v int, rule Rule, bit map[string]int, desc []uint64, unlinked, latest []time.Time) bool {
	t := f.orig(v).Time
	for _, typ := range rule.Expect {
		i := bit[typ]
		if desc[i/64]&(1<<(i%64)) != 0 {
			return true
		}
		if typ != rule.After {
			if l := latest[i]; !l.IsZero() && !l.Before(t) {
				return true
			}
			continue
		}
		if u := unlinked[i]; !u.IsZero() && !u.Before(t) && len(f.vs[v].in) > 0 {
			return true
		}
	}
	return false
}

// slowHops flags edges far slower than their type pair's learned usual
// latency (HopStats.Usual). The hop to the step that recovered a dead
// letter is not one: it waited for the retry, which the dead_letter
// anomaly already tells; nor is a hop out of a step timestamped before its
// cause (see measurable).
func (c *Config) slowHops(f *flow, r *Report) {
	b := c.base()
	if b == nil || len(b.Hops) == 0 {
		return
	}
	retried := map[string]bool{}
	for _, fl := range r.Failures {
		if fl.RecoveredBy != "" {
			retried[fl.RecoveredBy] = true
		}
	}
	floor := MS(c.SlowFloor)
	margin := c.SlowMargin
	if margin <= 0 {
		margin = 1
	}
	for _, e := range f.es {
		from, to := f.orig(e.from), f.orig(e.to)
		if !f.measurable(e) || retried[to.ID] {
			continue
		}
		st, ok := b.Hops[HopKey{Cause: from.Type, Effect: to.Type}]
		lat := MS(e.lat)
		if !ok || lat <= floor || lat <= margin*st.Usual() {
			continue
		}
		r.add(SlowHop, from.Type+" → "+to.Type+" took "+FormatMS(lat)+", usually under "+
			FormatMS(st.Usual())+" (p99 of "+itoa(st.Count)+")", from.ID, to.ID)
		if b.Flows > 0 {
			r.Learned = max(r.Learned, b.Flows)
		}
	}
}
