package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// runSummaryReference writes random flows in random batches, the way a
// consumer does in production: records redelivered in later writes,
// duplicate publications (one event ID on two records), late events that
// extend a flow written long before (before its first or after its last
// event), anomalies of every kind. Every summary the store lists, each
// anomaly: search and Stats must equal what a reference computes from the
// distinct records.
func runSummaryReference(t *testing.T, o Opener) {
	rnd := rand.New(rand.NewPCG(12, 12))
	topics := []string{"orders", "payments", "kitchen", "orders.DLT"}
	types := []string{"OrderPlaced", "PaymentTaken", "MealCooked", ""}
	offsets := map[string]int64{}
	var all []event.Event
	for f := range 40 {
		flow := fmt.Sprintf("flow-%02d", f)
		cause := ""
		for i := range 1 + rnd.IntN(6) {
			topic := topics[rnd.IntN(3)]
			if rnd.IntN(12) == 0 {
				topic = topics[3]
			}
			id := fmt.Sprintf("%s-e%d", flow, i)
			c := cause
			if rnd.IntN(10) == 0 {
				c = flow + "-missing"
			}
			at := Base.Add(time.Duration(f)*time.Minute + time.Duration(i)*time.Second)
			if rnd.IntN(10) == 0 {
				at = at.Add(-3 * time.Second) // before its cause
			}
			e := MakeEvent(topic, 0, offsets[topic], id, flow, c, at)
			offsets[topic]++
			e.Type, e.Source = types[rnd.IntN(len(types))], fmt.Sprintf("svc-%d", rnd.IntN(3))
			all = append(all, e)
			if rnd.IntN(10) == 0 { // published twice
				d := e
				d.Offset = offsets[topic]
				offsets[topic]++
				all = append(all, d)
			}
			cause = id
		}
	}
	rnd.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	s := o.fresh(t)
	write := func(b []event.Event) {
		t.Helper()
		if err := s.Write(ctx(t), b); err != nil {
			t.Fatal(err)
		}
	}
	for rest := all; len(rest) > 0; {
		n := min(len(rest), 1+rnd.IntN(25))
		write(rest[:n])
		if rnd.IntN(3) == 0 { // redelivered with the next write
			rest[n-1].IngestedAt = rest[n-1].IngestedAt.Add(time.Minute)
			write(append([]event.Event{rest[n-1]}, rest[:n/2]...))
		}
		rest = rest[n:]
	}
	// Late events extending old flows: one a day before, one a day after.
	early := MakeEvent("orders", 1, 0, "flow-03-early", "flow-03", "", Base.Add(-24*time.Hour))
	late := MakeEvent("payments", 1, 0, "flow-05-late", "flow-05", "flow-05-e0", Base.Add(24*time.Hour))
	all = append(all, early, late)
	write([]event.Event{early, late})

	want := refSummaries(all)
	got := walk(t, s, store.FlowQuery{Limit: 7}, nil)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("summaries differ from the reference (-want +got):\n%s", d)
	}
	for _, kind := range store.AnomalyKinds {
		var wantIDs []string
		for _, f := range want {
			for _, k := range f.Anomalies {
				if k == kind {
					wantIDs = append(wantIDs, f.CorrelationID)
				}
			}
		}
		if len(wantIDs) == 0 && slices.Contains(fixtureKinds, kind) {
			t.Errorf("fixture has no flow with %s", kind)
		}
		gotFlows := walk(t, s, store.FlowQuery{Limit: 5, Terms: []store.Term{{Field: store.FieldAnomaly, Value: kind}}}, nil)
		if got := summaryIDs(gotFlows); len(wantIDs)+len(got) > 0 && !cmp.Equal(wantIDs, got) {
			d := cmp.Diff(wantIDs, got)
			t.Errorf("anomaly:%s (-want +got):\n%s", kind, d)
		}
	}
	checkDiagnosedSearches(t, s, want)
	checkOverview(t, s, want)
	checkValueSearches(t, s, all, want)
	checkFlowRecords(t, s, all)
	wantStats := store.Stats{Flows: int64(len(want)), Topics: []store.TopicCount{}}
	perTopic := map[string]int64{}
	for _, e := range distinctRecords(all) {
		perTopic[e.Topic]++
		wantStats.Events++
	}
	for _, tp := range topics {
		if perTopic[tp] > 0 {
			wantStats.Topics = append(wantStats.Topics, store.TopicCount{Topic: tp, Events: perTopic[tp]})
		}
	}
	sort.Slice(wantStats.Topics, func(i, j int) bool { return wantStats.Topics[i].Topic < wantStats.Topics[j].Topic })
	if d := cmp.Diff(wantStats, mustStats(t, s)); d != "" {
		t.Errorf("Stats (-want +got):\n%s", d)
	}
}

// distinctRecords drops the copies of a record (same topic, partition,
// offset and Kafka time).
func distinctRecords(evs []event.Event) []event.Event {
	type key struct {
		topic     string
		partition int32
		offset    int64
		kt        time.Time
	}
	seen := map[key]bool{}
	var out []event.Event
	for _, e := range evs {
		k := key{e.Topic, e.Partition, e.Offset, e.KafkaTime}
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// fixtureKinds are the anomaly kinds the random fixture must show.
var fixtureKinds = []string{store.AnomalyDeadLetter, store.AnomalyDuplicate, store.AnomalyOrphan, store.AnomalyOutOfOrder}

// refSummaries is the reference listing: a summary per flow of evs, in
// the Flows order.
func refSummaries(evs []event.Event) []store.FlowSummary {
	byFlow := map[string][]event.Event{}
	for _, e := range distinctRecords(evs) {
		byFlow[e.FlowID()] = append(byFlow[e.FlowID()], e)
	}
	var out []store.FlowSummary
	for id, fe := range byFlow {
		sum := store.FlowSummary{CorrelationID: id, FirstTime: fe[0].Time, LastTime: fe[0].Time, EventCount: len(fe),
			Services: []string{}, Types: []string{}}
		cfg := diagnose.Default()
		sum.SetDiagnosis(store.Summarize(&cfg, fe), time.Now())
		svcs, typs := map[string]bool{}, map[string]bool{}
		for _, e := range fe {
			if e.Time.Before(sum.FirstTime) {
				sum.FirstTime = e.Time
			}
			if e.Time.After(sum.LastTime) {
				sum.LastTime = e.Time
			}
			if e.Source != "" && !svcs[e.Source] {
				svcs[e.Source] = true
				sum.Services = append(sum.Services, e.Source)
			}
			if e.Type != "" && !typs[e.Type] {
				typs[e.Type] = true
				sum.Types = append(sum.Types, e.Type)
			}
		}
		sort.Strings(sum.Services)
		sort.Strings(sum.Types)
		out = append(out, sum)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].LastTime.Equal(out[j].LastTime) {
			return out[i].LastTime.After(out[j].LastTime)
		}
		return out[i].CorrelationID > out[j].CorrelationID
	})
	return out
}

// checkDiagnosedSearches checks status: searches, the dashboard's
// "any anomaly" (an empty prefix) and each with a term on another field
// against the reference summaries want.
func checkDiagnosedSearches(t *testing.T, s store.Store, want []store.FlowSummary) {
	t.Helper()
	search := func(name string, keep func(store.FlowSummary) bool, terms ...store.Term) {
		t.Helper()
		var wantIDs []string
		for _, f := range want {
			if keep(f) {
				wantIDs = append(wantIDs, f.CorrelationID)
			}
		}
		got := summaryIDs(walk(t, s, store.FlowQuery{Limit: 4, Terms: terms}, nil))
		if len(wantIDs)+len(got) > 0 && !cmp.Equal(wantIDs, got) {
			t.Errorf("%s (-want +got):\n%s", name, cmp.Diff(wantIDs, got))
		}
	}
	statuses := 0
	for _, st := range store.Statuses {
		is := func(f store.FlowSummary) bool { return f.Status == st }
		if slices.ContainsFunc(want, is) {
			statuses++
		}
		search("status:"+st, is, store.Term{Field: store.FieldStatus, Value: st})
		search("-status:"+st+" type:PaymentTaken", func(f store.FlowSummary) bool {
			return !is(f) && slices.Contains(f.Types, "PaymentTaken")
		}, store.Term{Field: store.FieldStatus, Value: st, Negate: true}, store.Term{Field: store.FieldType, Value: "PaymentTaken"})
	}
	if statuses < 2 {
		t.Errorf("fixture has flows in %d statuses, want at least 2", statuses)
	}
	search("anomaly:*", func(f store.FlowSummary) bool { return len(f.Anomalies) > 0 },
		store.Term{Field: store.FieldAnomaly, Prefix: true})
	search("anomaly:* source:svc-1", func(f store.FlowSummary) bool {
		return len(f.Anomalies) > 0 && slices.Contains(f.Services, "svc-1")
	}, store.Term{Field: store.FieldAnomaly, Prefix: true}, store.Term{Field: store.FieldSource, Value: "svc-1"})
}
