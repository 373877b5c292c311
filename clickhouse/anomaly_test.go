package clickhouse

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// randomFlows makes small flows whose event and causation IDs come from a
// tiny shared pool, so duplicates, orphans, causes in other flows, equal
// times and out-of-order effects all occur, on plain and dead-letter
// topics.
func randomFlows(rnd *rand.Rand, n int) map[string][]event.Event {
	ids := []string{"a", "b", "c", "d", ""}
	causes := []string{"", "", "a", "b", "c", "missing"}
	topics := []string{"t", "u", "orders.DLT"}
	offsets := map[string]int64{}
	flows := map[string][]event.Event{}
	for f := range n {
		flow := fmt.Sprintf("f%02d", f)
		for range 1 + rnd.IntN(6) {
			topic := topics[rnd.IntN(len(topics))]
			if rnd.IntN(4) > 0 {
				topic = topics[rnd.IntN(2)]
			}
			off := offsets[topic]
			offsets[topic]++
			at := storetest.Base.Add(time.Duration(rnd.IntN(4)) * time.Second)
			e := storetest.MakeEvent(topic, 0, off, ids[rnd.IntN(len(ids))], flow, causes[rnd.IntN(len(causes))], at)
			flows[flow] = append(flows[flow], e)
		}
	}
	return flows
}

// writeShuffled writes all in random order, in random batches of up to
// max events, a third of them twice (retried).
func writeShuffled(t *testing.T, s *Store, rnd *rand.Rand, all []event.Event, max int) {
	t.Helper()
	rnd.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for len(all) > 0 {
		n := min(len(all), 1+rnd.IntN(max))
		if err := s.Write(t.Context(), all[:n]); err != nil {
			t.Fatal(err)
		}
		if rnd.IntN(3) == 0 { // a retried batch
			if err := s.Write(t.Context(), all[:n]); err != nil {
				t.Fatal(err)
			}
		}
		all = all[n:]
	}
}

// TestAnomalyTermsMatchReference checks anomaly: and status: terms
// (whole-table searches, unlike the summaries) against store.Summarize on
// random flows, written in random batches with
// retried copies.
func TestAnomalyTermsMatchReference(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	rnd := rand.New(rand.NewPCG(4, 2))
	flows := randomFlows(rnd, 80)
	var all []event.Event
	for _, evs := range flows {
		all = append(all, evs...)
	}
	writeShuffled(t, s, rnd, all, 60)
	want := map[string][]string{} // kind or status -> flows, sorted
	for flow, evs := range flows {
		var sum store.FlowSummary
		cfg := diagnose.Default()
		sum.SetDiagnosis(store.Summarize(&cfg, evs), time.Now())
		for _, k := range append(sum.Anomalies, "status:"+sum.Status) {
			want[k] = append(want[k], flow)
		}
	}
	var names []string
	for _, st := range store.Statuses {
		names = append(names, "status:"+st)
	}
	for _, kind := range append(names, store.AnomalyKinds...) {
		for _, negate := range []bool{false, true} {
			tm := store.Term{Field: store.FieldAnomaly, Value: kind, Negate: negate}
			if st, ok := strings.CutPrefix(kind, "status:"); ok {
				tm = store.Term{Field: store.FieldStatus, Value: st, Negate: negate}
			}
			q := store.FlowQuery{Limit: store.MaxLimit, Terms: []store.Term{tm}}
			p, err := s.Flows(t.Context(), q)
			if err != nil {
				t.Fatalf("anomaly:%s negate=%v: %v", kind, negate, err)
			}
			var got []string
			for _, f := range p.Flows {
				got = append(got, f.CorrelationID)
				if has := slices.Contains(f.Anomalies, kind) || "status:"+f.Status == kind; has == negate {
					t.Errorf("anomaly:%s negate=%v listed %s with anomalies %v", kind, negate, f.CorrelationID, f.Anomalies)
				}
			}
			sort.Strings(got)
			exp := slices.Clone(want[kind])
			if negate {
				exp = nil
				for flow := range flows {
					if !slices.Contains(want[kind], flow) {
						exp = append(exp, flow)
					}
				}
			}
			sort.Strings(exp)
			if !slices.Equal(got, exp) {
				t.Errorf("anomaly:%s negate=%v = %v, want %v", kind, negate, got, exp)
			}
		}
		t.Logf("%s: %d of %d flows", kind, len(want[kind]), len(flows))
	}
}
