package storetest

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// refFlows is the reference answer to Flows (all pages): the flow IDs of
// evs that match q (its terms and window), newest last event first. It
// spells out the store package's contract in plain Go. Records of internal
// topics are no part of any flow summary.
func refFlows(evs []event.Event, q store.FlowQuery) []string {
	byFlow := map[string][]event.Event{}
	for _, e := range evs {
		if e.Internal {
			continue
		}
		byFlow[e.FlowID()] = append(byFlow[e.FlowID()], e)
	}
	type flow struct {
		id   string
		last time.Time
	}
	var out []flow
	for id, fe := range byFlow {
		if !refInWindow(fe, q.From, q.To) {
			continue
		}
		cfg := diagnose.Default()
		sum := store.Summarize(&cfg, fe)
		now := time.Now()
		anomalies, status := sum.KindList(now), sum.Status(now)
		ok := true
		for _, tm := range q.Terms {
			ok = ok && refTerm(id, fe, anomalies, status, tm)
		}
		if !ok {
			continue
		}
		f := flow{id: id, last: fe[0].Time}
		for _, e := range fe {
			if e.Time.After(f.last) {
				f.last = e.Time
			}
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].last.Equal(out[j].last) {
			return out[i].last.After(out[j].last)
		}
		return out[i].id > out[j].id
	})
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].id
	}
	return ids
}

func refInWindow(evs []event.Event, from, to time.Time) bool {
	for _, e := range evs {
		if (from.IsZero() || !e.Time.Before(from)) && (to.IsZero() || e.Time.Before(to)) {
			return true
		}
	}
	return false
}

// refTerm reports whether the flow id with events evs matches tm.
func refTerm(id string, evs []event.Event, anomalies []string, status string, tm store.Term) bool {
	m := func(v string) bool {
		if tm.Prefix {
			return strings.HasPrefix(v, tm.Value)
		}
		return v == tm.Value
	}
	any := func(f func(e *event.Event) bool) bool {
		for i := range evs {
			if f(&evs[i]) {
				return true
			}
		}
		return false
	}
	var ok bool
	switch tm.Field {
	case store.FieldID:
		ok = m(id) || any(func(e *event.Event) bool { return m(e.EventID) || m(e.Key) })
	case store.FieldType:
		ok = any(func(e *event.Event) bool { return m(e.Type) })
	case store.FieldSource:
		ok = any(func(e *event.Event) bool { return m(e.Source) })
	case store.FieldTopic:
		ok = any(func(e *event.Event) bool { return m(e.Topic) })
	case store.FieldKey:
		ok = any(func(e *event.Event) bool { return m(e.Key) })
	case store.FieldHeader:
		ok = any(func(e *event.Event) bool {
			return slices.ContainsFunc(e.Headers, func(h event.Header) bool { return h.Key == tm.Name && m(h.Value) })
		})
	case store.FieldText:
		ok = any(func(e *event.Event) bool { return store.TextMatches(e.Payload, tm.Value) })
	case store.FieldPayload:
		ok = any(func(e *event.Event) bool { return store.PayloadMatches(tm, e.Payload) })
	case store.FieldAnomaly:
		ok = slices.ContainsFunc(anomalies, m)
	case store.FieldStatus:
		ok = status == tm.Value
	}
	return ok != tm.Negate
}
