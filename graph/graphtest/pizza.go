// Package graphtest makes realistic, deterministic flows of the demo pizza
// shop for tests and benchmarks of the graph package and its users.
package graphtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/eventscope/eventscope/event"
)

// Start is the time of the first event of every generated flow.
var Start = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// gen builds events with increasing offsets per topic.
type gen struct {
	rnd     *rand.Rand
	corr    string
	offsets map[string]int64
	events  []event.Event
}

func (g *gen) add(id, cause, typ, source, topic string, t time.Time) string {
	off := g.offsets[topic]
	g.offsets[topic]++
	g.events = append(g.events, event.Event{
		EventID: id, CorrelationID: g.corr, CausationID: cause, Type: typ, Source: source,
		Time: t, Topic: topic, Offset: off, Key: g.corr, KafkaTime: t,
	})
	return id
}

// hop returns a latency of about mean, never negative.
func (g *gen) hop(mean time.Duration) time.Duration {
	return time.Duration(float64(mean) * (0.5 + g.rnd.ExpFloat64()*0.5))
}

// order adds one order's events (about 20: fan-out to kitchen, payment,
// loyalty and notifications; one pizza line per pizza), started at t by
// cause (may be empty).
func (g *gen) order(n int, cause string, t time.Time) {
	p := fmt.Sprintf("o%d-", n)
	placed := g.add(p+"placed", cause, "OrderPlaced", "orders", "orders", t)
	g.add(p+"n1", placed, "NotificationSent", "notify", "notifications", t.Add(g.hop(20*time.Millisecond)))
	tp := t.Add(g.hop(80 * time.Millisecond))
	paid := g.add(p+"paid", placed, "PaymentAuthorized", "payment", "payments", tp)
	g.add(p+"loyal", paid, "LoyaltyPointsAwarded", "loyalty", "loyalty", tp.Add(g.hop(40*time.Millisecond)))
	g.add(p+"n2", paid, "NotificationSent", "notify", "notifications", tp.Add(g.hop(20*time.Millisecond)))
	tk := t.Add(g.hop(50 * time.Millisecond))
	ticket := g.add(p+"ticket", placed, "KitchenTicketCreated", "kitchen", "kitchen", tk)
	g.add(p+"stock", ticket, "InventoryReserved", "inventory", "inventory", tk.Add(g.hop(30*time.Millisecond)))
	last, lastT := ticket, tk
	for i := 0; i < 1+g.rnd.IntN(3); i++ {
		tpz := tk.Add(g.hop(2 * time.Second))
		pz := g.add(fmt.Sprintf("%spizza%d", p, i), ticket, "PizzaPrepared", "kitchen", "kitchen", tpz)
		tb := tpz.Add(g.hop(300 * time.Millisecond))
		box := g.add(fmt.Sprintf("%sbox%d", p, i), pz, "PizzaBoxed", "kitchen", "kitchen", tb)
		if tb.After(lastT) {
			last, lastT = box, tb
		}
	}
	to := lastT.Add(g.hop(500 * time.Millisecond))
	out := g.add(p+"out", last, "OutForDelivery", "delivery", "delivery", to)
	g.add(p+"driver", out, "DriverAssigned", "delivery", "delivery", to.Add(g.hop(100*time.Millisecond)))
	g.add(p+"n3", out, "NotificationSent", "notify", "notifications", to.Add(g.hop(20*time.Millisecond)))
	td := to.Add(g.hop(10 * time.Second))
	done := g.add(p+"delivered", out, "OrderDelivered", "delivery", "delivery", td)
	g.add(p+"receipt", done, "ReceiptSent", "billing", "billing", td.Add(g.hop(60*time.Millisecond)))
	g.add(p+"n4", done, "NotificationSent", "notify", "notifications", td.Add(g.hop(20*time.Millisecond)))
}

// Order returns the events of one pizza order (about 20) as one flow.
func Order(n int, seed uint64) []event.Event {
	g := &gen{rnd: rand.New(rand.NewPCG(seed, uint64(n))), corr: fmt.Sprintf("order-%d", n), offsets: map[string]int64{}}
	g.order(n, "", Start)
	return sorted(g.events)
}

// Flow returns one flow of about n events: a batch import whose root event
// fans out to orders placed 100ms apart, each about 20 events.
func Flow(n int, seed uint64) []event.Event {
	g := &gen{rnd: rand.New(rand.NewPCG(seed, 0)), corr: fmt.Sprintf("batch-%d", n), offsets: map[string]int64{}}
	root := g.add("batch", "", "BatchImported", "importer", "imports", Start)
	for i := 0; len(g.events) < n; i++ {
		g.order(i, root, Start.Add(time.Duration(i+1)*100*time.Millisecond))
	}
	return sorted(g.events[:n])
}

// sorted orders events as the store does: by time, then coordinates.
func sorted(events []event.Event) []event.Event {
	slices.SortStableFunc(events, func(a, b event.Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if a.Topic != b.Topic {
			if a.Topic < b.Topic {
				return -1
			}
			return 1
		}
		return int(a.Offset - b.Offset)
	})
	return events
}
