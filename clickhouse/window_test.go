package clickhouse

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// windowFixture is 300 flows of three events, 10 s apart, plus a second
// write adding a "Late" event to every 50th flow, an hour later: those
// flows' last events are then newer than the values they match.
func windowFixture() (first, second []event.Event) {
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ev := func(f, i int, typ, topic string, t time.Time) event.Event {
		return event.Event{EventID: fmt.Sprintf("e%03d-%d", f, i), CorrelationID: fmt.Sprintf("f%03d", f),
			Type: typ, Source: fmt.Sprintf("svc-%d", f%2), Topic: topic, Partition: int32(f % 4),
			Offset: int64(f*10 + i), Time: t, KafkaTime: t, IngestedAt: t}
	}
	for f := range 300 {
		t := base.Add(time.Duration(f) * 10 * time.Second)
		ship := "ShipSlow"
		if f%7 == 0 {
			ship = "ShipFast"
		}
		first = append(first, ev(f, 0, "Order", "orders", t), ev(f, 1, fmt.Sprintf("Pay%d", f%3), "payments", t.Add(time.Second)),
			ev(f, 2, ship, "ship", t.Add(2*time.Second)))
		if f%50 == 0 {
			second = append(second, ev(f, 3, "Late", "late", base.Add(time.Hour+time.Duration(f)*time.Second)))
		}
	}
	return first, second
}

// refWindowFlows is the answer to q (type:, source:, topic: terms and From
// only) in plain Go.
func refWindowFlows(evs []event.Event, q store.FlowQuery) []string {
	byFlow := map[string][]event.Event{}
	for _, e := range evs {
		byFlow[e.CorrelationID] = append(byFlow[e.CorrelationID], e)
	}
	type flow struct {
		id   string
		last time.Time
	}
	var out []flow
	for id, fe := range byFlow {
		ok, in := true, q.From.IsZero()
		for _, tm := range q.Terms {
			any := false
			for _, e := range fe {
				v := map[store.Field]string{store.FieldType: e.Type, store.FieldSource: e.Source, store.FieldTopic: e.Topic}[tm.Field]
				any = any || v == tm.Value || tm.Prefix && strings.HasPrefix(v, tm.Value)
			}
			ok = ok && any != tm.Negate
		}
		f := flow{id: id}
		for _, e := range fe {
			in = in || !e.Time.Before(q.From)
			if e.Time.After(f.last) {
				f.last = e.Time
			}
		}
		if ok && in {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].last.Equal(out[j].last) {
			return out[i].last.After(out[j].last)
		}
		return out[i].id > out[j].id
	})
	ids := []string{}
	for _, f := range out {
		ids = append(ids, f.id)
	}
	return ids
}

// TestWindowSearch checks windowed searches with pages small enough that
// they read growing windows of flow_times (and, for rare values, then
// every flow), against the plain Go answer, walking every page.
func TestWindowSearch(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	first, second := windowFixture()
	for _, evs := range [][]event.Event{first, second} {
		if err := s.Write(t.Context(), evs); err != nil {
			t.Fatal(err)
		}
	}
	all := append(append([]event.Event{}, first...), second...)
	term := func(f store.Field, v string) store.Term { return store.Term{Field: f, Value: v} }
	prefix := func(f store.Field, v string) store.Term { return store.Term{Field: f, Value: v, Prefix: true} }
	after := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		name  string
		terms []store.Term
		from  time.Time
	}{
		{"every flow", []store.Term{term(store.FieldType, "Order")}, time.Time{}},
		{"a third", []store.Term{term(store.FieldType, "Pay0")}, time.Time{}},
		{"prefix", []store.Term{prefix(store.FieldType, "Pay")}, time.Time{}},
		{"rare", []store.Term{term(store.FieldType, "ShipFast")}, time.Time{}},
		{"rare and late", []store.Term{term(store.FieldType, "Late")}, time.Time{}},
		{"none", []store.Term{term(store.FieldType, "Nope")}, time.Time{}},
		{"two fields", []store.Term{term(store.FieldType, "Pay1"), term(store.FieldSource, "svc-1")}, time.Time{}},
		{"topic prefix", []store.Term{prefix(store.FieldTopic, "pay")}, time.Time{}},
		{"with a window", []store.Term{term(store.FieldType, "Pay2")}, after},
		{"with a negated term", []store.Term{prefix(store.FieldSource, "svc"), {Field: store.FieldType, Value: "ShipFast", Negate: true}}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := store.FlowQuery{Terms: tc.terms, From: tc.from, Limit: 10}
			got := []string{}
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("more than 100 pages")
				}
				p, err := s.Flows(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range p.Flows {
					got = append(got, f.CorrelationID)
				}
				if q.Cursor = p.NextCursor; q.Cursor == "" {
					break
				}
			}
			if diff := cmp.Diff(refWindowFlows(all, q), got); diff != "" {
				t.Errorf("flows (-want +got):\n%s", diff)
			}
		})
	}
}
