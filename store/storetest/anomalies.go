package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// anomalyCases are flows (all with correlation ID "c") and the summary
// anomalies and status they must show, whatever order their records arrive
// in. Under the default diagnose configuration nothing is time-dependent.
func anomalyCases() []anomalyCase {
	g := NewGen(Base)
	ev := func(topic, id, cause string, sec int) event.Event {
		return g.Event(topic, "c", id, cause, time.Duration(sec)*time.Second)
	}
	typed := func(e event.Event, typ, source, payload string) event.Event {
		e.Type, e.Source = typ, source
		if payload != "" {
			e.Payload, e.PayloadSize = []byte(payload), len(payload)
		}
		return e
	}
	dlt := ev("payments.DLT", "b", "a", 1)
	dlt = typed(dlt, "OrderPlaced", "pay", "")
	dlt.Headers = append(dlt.Headers, event.Header{Key: "dlt-exception-message", Value: "gateway timeout"})
	ok, failed := "ok", "failed"
	return []anomalyCase{
		{"clean chain", []event.Event{ev("t", "a", "", 0), ev("t", "b", "a", 1), ev("t", "c", "b", 2)}, []string{}, ok, ""},
		{"same time as cause is in order", []event.Event{ev("t", "a", "", 1), ev("t", "b", "a", 1)}, []string{}, ok, ""},
		{"orphan", []event.Event{ev("t", "a", "", 0), ev("t", "b", "missing", 1)}, []string{"orphan"}, ok, ""},
		{"external trigger is no orphan", []event.Event{ev("t", "a", "c", 0), ev("t", "b", "a", 1)}, []string{}, ok, ""},
		{"self cause is no orphan", []event.Event{ev("t", "a", "a", 0)}, []string{"cycle"}, ok, ""},
		{"duplicate", []event.Event{ev("t", "a", "", 0), ev("t", "a", "", 1)}, []string{"duplicate"}, ok, ""},
		{"same ID on two topics is no duplicate", []event.Event{ev("t", "a", "", 0), ev("u", "a", "", 0)}, []string{}, ok, ""},
		{"duplicate on one of two topics", []event.Event{ev("t", "a", "", 0), ev("u", "a", "", 0), ev("u", "a", "", 1)}, []string{"duplicate"}, ok, ""},
		{"out of order", []event.Event{ev("t", "a", "", 5), ev("t", "b", "a", 1)}, []string{"out_of_order"}, ok, ""},
		{"out of order deep", []event.Event{ev("t", "a", "", 0), ev("t", "b", "a", 5), ev("t", "c", "b", 4)}, []string{"out_of_order"}, ok, ""},
		{"earliest cause record counts", []event.Event{ev("t", "a", "", 5), ev("t", "b", "a", 3), ev("u", "a", "", 2)}, []string{}, ok, ""},
		{"dead letter", []event.Event{ev("orders", "a", "", 0), ev("orders.DLT", "b", "a", 1)}, []string{"dead_letter"}, failed, ""},
		{"dead letter dlq prefix", []event.Event{ev("dlq.orders", "a", "", 0)}, []string{"dead_letter"}, failed, ""},
		{"not a dead letter", []event.Event{ev("orders.dltx", "a", "", 0), ev("dlqueue", "b", "a", 1)}, []string{}, ok, ""},
		{"dead letter recovered", []event.Event{typed(ev("orders", "a", "", 0), "OrderPlaced", "shop", ""), dlt,
			typed(ev("payments", "p", "a", 2), "PaymentAuthorized", "pay", "")}, []string{"dead_letter"}, "recovered", ""},
		{"dead letter never retried", []event.Event{typed(ev("orders", "a", "", 0), "OrderPlaced", "shop", ""), dlt,
			typed(ev("kitchen", "k", "a", 2), "PizzaPrepared", "kitchen", "")}, []string{"dead_letter"}, failed, "gateway timeout"},
		{"failure", []event.Event{ev("t", "a", "", 0), typed(ev("t", "b", "a", 1), "PaymentFailed", "pay", `{"reason":"card declined"}`)},
			[]string{"failure"}, failed, "card declined"},
		{"failure by payload field", []event.Event{ev("t", "a", "", 0), typed(ev("t", "b", "a", 1), "Charged", "pay", `{"data":{"error":"no funds"}}`)},
			[]string{"failure"}, failed, "no funds"},
		{"failure compensated", []event.Event{ev("t", "a", "", 0), typed(ev("t", "b", "a", 1), "PaymentFailed", "pay", `{"reason":"card declined"}`),
			typed(ev("t", "x", "b", 2), "OrderCancelled", "shop", "")}, []string{"failure"}, "compensated", "card declined"},
		{"all four sorted", []event.Event{
			ev("t", "a", "", 5), ev("t", "b", "a", 1), ev("t", "b", "a", 6), ev("x-dlq", "c", "nope", 7),
		}, []string{"dead_letter", "duplicate", "orphan", "out_of_order"}, failed, ""},
		{"orphan and effect of an orphan", []event.Event{ev("t", "b", "gone", 1), ev("t", "c", "b", 2)}, []string{"orphan"}, ok, ""},
	}
}

type anomalyCase struct {
	name           string
	evs            []event.Event
	want           []string
	status, reason string
}

func runAnomalies(t *testing.T, o Opener) {
	// One store for every case (opening one costs seconds on some
	// backends): each case's flows and partitions are its own.
	s := o.fresh(t)
	for i, tc := range anomalyCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg := diagnose.Default()
			var ref store.FlowSummary
			ref.SetDiagnosis(store.Summarize(&cfg, tc.evs), time.Now())
			if !slices.Equal(ref.Anomalies, tc.want) || ref.Status != tc.status || ref.Reason != tc.reason {
				t.Fatalf("suite bug: store.Summarize = %v %q %q, want %v %q %q", ref.Anomalies, ref.Status, ref.Reason, tc.want, tc.status, tc.reason)
			}
			// The same records arriving in different batchings and orders
			// (an effect before its cause, a cause's duplicate last), each
			// as its own flow in one store: the flows share event IDs,
			// which must not make them duplicates or resolve orphans.
			orders := []struct {
				name    string
				batches [][]event.Event
			}{
				{"one batch", [][]event.Event{tc.evs}},
				{"one batch reversed", [][]event.Event{Reversed(tc.evs)}},
				{"one at a time", splitEach(tc.evs)},
				{"reversed one by one", splitEach(Reversed(tc.evs))},
			}
			flow := func(ord string) string { return fmt.Sprintf("c%d %s", i, ord) }
			for k, ord := range orders {
				for _, b := range ord.batches {
					if err := s.Write(ctx(t), asFlow(b, flow(ord.name), int32(4*i+k))); err != nil {
						t.Fatalf("%s: write: %v", ord.name, err)
					}
				}
			}
			for _, ord := range orders {
				got := summaryOf(t, s, flow(ord.name))
				if !slices.Equal(got.Anomalies, tc.want) || got.Anomalies == nil {
					t.Errorf("%s: Anomalies = %#v, want %v", ord.name, got.Anomalies, tc.want)
				}
				if got.Status != tc.status || got.Reason != tc.reason {
					t.Errorf("%s: Status, Reason = %q, %q, want %q, %q", ord.name, got.Status, got.Reason, tc.status, tc.reason)
				}
				if got.EventCount != len(tc.evs) {
					t.Errorf("%s: EventCount = %d, want %d", ord.name, got.EventCount, len(tc.evs))
				}
			}
		})
	}
	t.Run("OrphanResolvedByLateCause", func(t *testing.T) {
		g := NewGen(Base)
		effect := g.Event("t", "c", "b", "a", time.Second)
		s := o.with(t, []event.Event{effect})
		if got := summaryOf(t, s, "c").Anomalies; !slices.Equal(got, []string{"orphan"}) {
			t.Fatalf("before the cause: Anomalies = %v, want [orphan]", got)
		}
		// The cause arrives later, timestamped after its effect.
		if err := s.Write(ctx(t), []event.Event{g.Event("t", "c", "a", "", 2*time.Second)}); err != nil {
			t.Fatal(err)
		}
		if got := summaryOf(t, s, "c").Anomalies; !slices.Equal(got, []string{"out_of_order"}) {
			t.Errorf("after the cause: Anomalies = %v, want [out_of_order]", got)
		}
		// An earlier record of the same cause puts the effect back in order.
		if err := s.Write(ctx(t), []event.Event{g.Event("u", "c", "a", "", 0)}); err != nil {
			t.Fatal(err)
		}
		if got := summaryOf(t, s, "c").Anomalies; !slices.Equal(got, []string{}) {
			t.Errorf("after an earlier record of the cause on another topic: Anomalies = %v, want none", got)
		}
	})
	t.Run("CauseInAnotherFlowIsOrphan", func(t *testing.T) {
		g := NewGen(Base)
		s := o.with(t, []event.Event{g.Event("t", "c1", "a", "", 0), g.Event("t", "c2", "b", "a", time.Second)})
		if got := summaryOf(t, s, "c2").Anomalies; !slices.Equal(got, []string{"orphan"}) {
			t.Errorf("c2 Anomalies = %v, want [orphan]", got)
		}
		if got := summaryOf(t, s, "c1").Anomalies; len(got) != 0 {
			t.Errorf("c1 Anomalies = %v, want none", got)
		}
	})
}

func splitEach(evs []event.Event) [][]event.Event {
	out := make([][]event.Event, len(evs))
	for i := range evs {
		out[i] = evs[i : i+1]
	}
	return out
}

// asFlow returns copies of evs moved to the flow flowID and to partition p,
// so that they are other records than evs.
func asFlow(evs []event.Event, flowID string, p int32) []event.Event {
	out := append([]event.Event(nil), evs...)
	for i := range out {
		if out[i].CausationID == out[i].CorrelationID {
			out[i].CausationID = flowID // the flow's trigger stays its trigger
		}
		out[i].CorrelationID = flowID
		out[i].Partition = p
	}
	return out
}
