package sim

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"
)

func startTestBroker(t *testing.T) *Broker {
	t.Helper()
	b, err := StartBroker("127.0.0.1:0", TopicPartitions, Topics()...)
	if err != nil {
		t.Fatalf("StartBroker: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// settled reports whether every order has reached its end: points awarded
// when paid, cancelled when its payment failed.
func settled(recs []record, orders int) bool {
	fs := flows(recs)
	if len(fs) < orders {
		return false
	}
	for _, rs := range fs {
		switch {
		case len(ofType(rs, TypeOrderPlaced)) == 0:
			return false
		case len(ofType(rs, TypePaymentFailed)) > 0:
			if len(ofType(rs, TypeOrderCancelled)) == 0 {
				return false
			}
		case len(ofType(rs, TypePointsAwarded)) == 0:
			return false
		}
	}
	return true
}

func TestShopFlows(t *testing.T) {
	const orders = 20
	for _, mixed := range []bool{false, true} {
		t.Run(map[bool]string{false: "envelopes", true: "mixed_conventions"}[mixed], func(t *testing.T) {
			b := startTestBroker(t)
			baseline := runtime.NumGoroutine()
			stop := runShop(t, Config{
				Brokers: b.Addrs(), Rate: 100, Seed: 42, MaxOrders: orders, MixedConventions: mixed,
				Faults: Faults{PaymentFailure: 0.3},
			})
			col := newCollector(t, b.Addrs(), Topics())
			waitFor(t, 30*time.Second, "every order settled", func() bool { return settled(col.snapshot(), orders) })
			stop()
			col.close()
			checkGoroutines(t, baseline)

			recs := col.snapshot()
			fs := flows(recs)
			if len(fs) != orders {
				t.Fatalf("got %d orders, want %d", len(fs), orders)
			}
			var failed, delivered int
			for id, rs := range fs {
				checkFlow(t, id, rs)
				if len(ofType(rs, TypePaymentFailed)) > 0 {
					failed++
				}
				if len(ofType(rs, TypePointsAwarded)) > 0 {
					delivered++
				}
			}
			if failed == 0 || delivered == 0 || failed+delivered != orders {
				t.Errorf("failed %d + delivered %d orders, want both > 0 and sum %d", failed, delivered, orders)
			}
			checkConventions(t, recs, mixed)
		})
	}
}

var typeTopic = map[string]string{
	TypeOrderPlaced: TopicOrders, TypeOrderCancelled: TopicOrders,
	TypePizzaPrepared: TopicKitchen, TypePizzaBoxed: TopicKitchen,
	TypePaymentAuthorized: TopicPayments, TypePaymentFailed: TopicPayments,
	TypeOutForDelivery: TopicDelivery, TypeOrderDelivered: TopicDelivery,
	TypePointsAwarded: TopicLoyalty,
}

// checkFlow checks one fault-free order's events: keys, topics, one
// correlation ID, no duplicates, valid causation with effects after causes.
func checkFlow(t *testing.T, orderID string, rs []record) {
	t.Helper()
	byID := map[string]record{}
	corr := ""
	for _, r := range rs {
		if r.err != nil {
			t.Errorf("%s: undecodable record on %s: %v", orderID, r.topic, r.err)
			continue
		}
		if _, dup := byID[r.ev.ID]; dup {
			t.Errorf("%s: event %s (%s) published twice", orderID, r.ev.ID, r.ev.Type)
		}
		byID[r.ev.ID] = r
		if corr == "" {
			corr = r.ev.CorrelationID
		}
		if r.ev.CorrelationID != corr || corr == "" {
			t.Errorf("%s: %s correlation %q, want %q", orderID, r.ev.Type, r.ev.CorrelationID, corr)
		}
		if want := typeTopic[r.ev.Type]; r.topic != want {
			t.Errorf("%s: %s on topic %s, want %s", orderID, r.ev.Type, r.topic, want)
		}
		var d struct {
			OrderID string `json:"orderId"`
		}
		if err := json.Unmarshal(r.ev.Data, &d); err != nil || d.OrderID != orderID {
			t.Errorf("%s: %s data orderId %q (err %v)", orderID, r.ev.Type, d.OrderID, err)
		}
	}
	if !strings.HasPrefix(orderID, "ord-") || len(orderID) != 12 {
		t.Errorf("order ID %q, want ord- and 8 hex digits", orderID)
	}
	causes := map[string][]string{
		TypeOrderPlaced: {}, TypePizzaPrepared: {TypeOrderPlaced}, TypePizzaBoxed: {TypePizzaPrepared},
		TypePaymentAuthorized: {TypeOrderPlaced}, TypePaymentFailed: {TypeOrderPlaced},
		TypeOrderCancelled: {TypePaymentFailed}, TypeOutForDelivery: {TypePizzaBoxed, TypePaymentAuthorized},
		TypeOrderDelivered: {TypeOutForDelivery}, TypePointsAwarded: {TypeOrderDelivered},
	}
	for _, r := range byID {
		want := causes[r.ev.Type]
		if len(want) == 0 {
			if r.ev.CausationID != "" {
				t.Errorf("%s: root %s has causation %q", orderID, r.ev.Type, r.ev.CausationID)
			}
			continue
		}
		cause, ok := byID[r.ev.CausationID]
		if !ok {
			t.Errorf("%s: %s causation %q names no event of the flow", orderID, r.ev.Type, r.ev.CausationID)
			continue
		}
		if !contains(want, cause.ev.Type) {
			t.Errorf("%s: %s caused by %s, want one of %v", orderID, r.ev.Type, cause.ev.Type, want)
		}
		if r.ev.Time.Before(cause.ev.Time) {
			t.Errorf("%s: %s at %v before its cause %s at %v", orderID, r.ev.Type, r.ev.Time, cause.ev.Type, cause.ev.Time)
		}
	}
	if len(ofType(rs, TypePaymentFailed)) > 0 && len(ofType(rs, TypeOutForDelivery)) > 0 {
		t.Errorf("%s: delivered although its payment failed", orderID)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// checkConventions checks how each service wrote its IDs.
func checkConventions(t *testing.T, recs []record, mixed bool) {
	t.Helper()
	for _, r := range recs {
		var want []string // headers that must be present
		isEnvelope := true
		switch {
		case r.ev.Source == ServiceOrder || r.ev.Source == ServicePayment:
			want = []string{"correlation-id", "causation-id", "event-id"}
			if r.ev.CausationID == "" {
				want = []string{"correlation-id", "event-id"}
			}
		case mixed && r.ev.Source == ServiceKitchen:
			want = []string{"ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_correlationid", "ce_causationid", "content-type"}
			isEnvelope = false
		case mixed && r.ev.Source == ServiceDelivery:
			want = []string{"correlation-id", "causation-id", "event-id", "event-type", "source"}
			isEnvelope = false
		case mixed && r.ev.Source == ServiceLoyalty:
			if r.headers["content-type"] != contentCE {
				t.Errorf("%s content-type %q, want %q", r.ev.Type, r.headers["content-type"], contentCE)
			}
			isEnvelope = false
		}
		for _, h := range want {
			if r.headers[h] == "" {
				t.Errorf("%s from %s lacks header %s (has %v)", r.ev.Type, r.ev.Source, h, r.headers)
			}
		}
		if got := strings.Contains(string(r.value), `"metadata"`); got != isEnvelope {
			t.Errorf("%s from %s: envelope %v, want %v: %s", r.ev.Type, r.ev.Source, got, isEnvelope, r.value)
		}
		if !r.ts.Equal(r.ev.Time.Truncate(time.Millisecond)) {
			t.Errorf("%s record timestamp %v, event time %v", r.ev.Type, r.ts, r.ev.Time)
		}
	}
}

func TestShopFaults(t *testing.T) {
	const orders = 5
	b := startTestBroker(t)
	baseline := runtime.NumGoroutine()
	stop := runShop(t, Config{
		Brokers: b.Addrs(), Rate: 100, Seed: 7, MaxOrders: orders,
		Faults: Faults{Duplicate: 1, OutOfOrder: 1, Orphan: 1, DeadLetter: 1, Stall: 1},
	})
	col := newCollector(t, b.Addrs(), Topics())
	// Every fault shows before the payment outcome, which comes last
	// (after the dead-letter re-drive); boxing would come well before it.
	waitFor(t, 30*time.Second, "every order paid", func() bool {
		fs := flows(col.snapshot())
		if len(fs) < orders {
			return false
		}
		for _, rs := range fs {
			if len(ofType(rs, TypePaymentAuthorized)) == 0 || len(ofType(rs, TypeOrderPlaced)) < 2 {
				return false
			}
		}
		return true
	})
	stop()
	col.close()
	checkGoroutines(t, baseline)

	for id, rs := range flows(col.snapshot()) {
		placed := ofType(rs, TypeOrderPlaced)
		if len(placed) != 2 || placed[0].ev.ID != placed[1].ev.ID {
			t.Errorf("%s: want OrderPlaced twice with one event ID, got %d records", id, len(placed))
		}
		root := placed[0].ev
		ids := map[string]bool{}
		for _, r := range rs {
			ids[r.ev.ID] = true
		}
		prep := ofType(rs, TypePizzaPrepared)
		if len(prep) != 1 || !prep[0].ev.Time.Before(root.Time) {
			t.Errorf("%s: want one PizzaPrepared timestamped before OrderPlaced", id)
		}
		for _, r := range ofType(rs, TypePaymentAuthorized) {
			if ids[r.ev.CausationID] {
				t.Errorf("%s: payment causation %s was published, want an orphan", id, r.ev.CausationID)
			}
		}
		var dlt []record
		for _, r := range rs {
			if r.topic == TopicPaymentDLT {
				dlt = append(dlt, r)
			}
		}
		if len(dlt) != 1 || dlt[0].ev.CausationID != root.ID || dlt[0].ev.CorrelationID != root.CorrelationID ||
			dlt[0].headers["dlt-original-topic"] != TopicOrders {
			t.Errorf("%s: want one payments.DLT record caused by OrderPlaced, got %+v", id, dlt)
		}
		for _, typ := range []string{TypePizzaBoxed, TypeOutForDelivery, TypeOrderDelivered, TypePointsAwarded} {
			if n := len(ofType(rs, typ)); n != 0 {
				t.Errorf("%s: stalled flow has %d %s", id, n, typ)
			}
		}
	}
}
