package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// checkOverview checks store.Overview, when s has it, against the
// reference summaries want (in the Flows order): every kind's newest
// flows and the status counts of the newest flows, since the start and
// since the middle of the fixture's flows, with a few and with every flow.
func checkOverview(t *testing.T, s store.Store, want []store.FlowSummary) {
	t.Helper()
	ov, ok := s.(store.Overview)
	if !ok {
		return
	}
	mid := want[len(want)/2].LastTime
	for _, since := range []struct {
		name string
		at   func(store.FlowSummary) bool
	}{{"all", func(store.FlowSummary) bool { return true }}, {"since the middle", func(f store.FlowSummary) bool { return !f.LastTime.Before(mid) }}} {
		var in []store.FlowSummary
		for _, f := range want {
			if since.at(f) {
				in = append(in, f)
			}
		}
		from := mid
		if since.name == "all" {
			from = want[len(want)-1].LastTime.Add(-1)
		}
		for _, n := range []int{2, 1000} {
			wantKinds := map[string][]store.FlowSummary{}
			for _, f := range in {
				for _, k := range f.Anomalies {
					if len(wantKinds[k]) < n {
						wantKinds[k] = append(wantKinds[k], f)
					}
				}
			}
			got, err := ov.KindFlows(ctx(t), from, n)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(wantKinds, got); d != "" {
				t.Errorf("KindFlows(%s, %d) (-want +got):\n%s", since.name, n, d)
			}
			wantCounts := store.StatusCountsOf(in[:min(n, len(in))])
			gotCounts, err := ov.StatusCounts(ctx(t), from, n)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(wantCounts, gotCounts); d != "" {
				t.Errorf("StatusCounts(%s, %d) (-want +got):\n%s", since.name, n, d)
			}
		}
	}
}

// checkValueSearches checks type:, source: and topic: searches (a value
// some flows have, a prefix, a value no flow has, negated, and two terms)
// against the reference summaries want of the records all.
func checkValueSearches(t *testing.T, s store.Store, all []event.Event, want []store.FlowSummary) {
	t.Helper()
	topics := map[string][]string{}
	for _, e := range distinctRecords(all) {
		if !slices.Contains(topics[e.FlowID()], e.Topic) {
			topics[e.FlowID()] = append(topics[e.FlowID()], e.Topic)
		}
	}
	values := func(f store.FlowSummary, field store.Field) []string {
		switch field {
		case store.FieldType:
			return f.Types
		case store.FieldSource:
			return f.Services
		}
		return topics[f.CorrelationID]
	}
	has := func(f store.FlowSummary, t store.Term) bool {
		ok := slices.ContainsFunc(values(f, t.Field), func(v string) bool {
			return v == t.Value || t.Prefix && strings.HasPrefix(v, t.Value)
		})
		return ok != t.Negate
	}
	cases := [][]store.Term{
		{{Field: store.FieldType, Value: "PaymentTaken"}},
		{{Field: store.FieldType, Value: "Meal", Prefix: true}},
		{{Field: store.FieldType, Value: "NoSuchType"}},
		{{Field: store.FieldType, Value: "PaymentTaken", Negate: true}},
		{{Field: store.FieldSource, Value: "svc-2"}},
		{{Field: store.FieldSource, Value: "no-such-service"}},
		{{Field: store.FieldSource, Value: "svc-0", Negate: true}, {Field: store.FieldType, Value: "OrderPlaced"}},
		{{Field: store.FieldTopic, Value: "orders.DLT"}},
		{{Field: store.FieldTopic, Value: "pay", Prefix: true}},
		{{Field: store.FieldTopic, Value: "no-such-topic"}},
		{{Field: store.FieldTopic, Value: "kitchen", Negate: true}, {Field: store.FieldSource, Value: "svc-1"}},
	}
	for _, terms := range cases {
		var wantIDs []string
		for _, f := range want {
			ok := true
			for _, tm := range terms {
				ok = ok && has(f, tm)
			}
			if ok {
				wantIDs = append(wantIDs, f.CorrelationID)
			}
		}
		got := summaryIDs(walk(t, s, store.FlowQuery{Limit: 6, Terms: terms}, nil))
		if len(wantIDs)+len(got) > 0 && !cmp.Equal(wantIDs, got) {
			t.Errorf("%v (-want +got):\n%s", terms, cmp.Diff(wantIDs, got))
		}
	}
}

// checkFlowRecords checks store.FlowPicker, when s has it, on records of
// every flow of all: what it picks around a record (its ID and cause, its
// effects, its key and type) must equal Pick.Matches on the whole Flow.
func checkFlowRecords(t *testing.T, s store.Store, all []event.Event) {
	t.Helper()
	fp, ok := s.(store.FlowPicker)
	if !ok {
		return
	}
	for i, e := range all {
		if i%3 != 0 {
			continue
		}
		flow, err := s.Flow(ctx(t), e.FlowID())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []store.Pick{
			{IDs: []string{e.EventID, e.CausationID}, CausedBy: []string{e.EventID}, KeyTypes: []store.KeyType{{Key: e.Key, Type: e.Type}}},
			{CausedBy: []string{e.CausationID}},
			{IDs: []string{"no-such-id"}},
		} {
			got, err := fp.FlowRecords(ctx(t), e.FlowID(), p)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(p.Matches(flow), got); d != "" {
				t.Errorf("FlowRecords(%s, %+v) (-want +got):\n%s", e.FlowID(), p, d)
			}
		}
	}
}
