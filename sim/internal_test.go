package sim

import (
	"fmt"
	"log/slog"
	"regexp"
	"testing"
	"time"
)

func TestChance(t *testing.T) {
	a := newShop(Config{Seed: 1, Logger: slog.New(slog.DiscardHandler)})
	b := newShop(Config{Seed: 1, Logger: slog.New(slog.DiscardHandler)})
	hits := 0
	const n = 20000
	for i := range n {
		id := fmt.Sprintf("ord-%08x", i)
		x := a.chance("stall", id, 0.1)
		if x != b.chance("stall", id, 0.1) {
			t.Fatalf("chance differs between two shops with one seed for %s", id)
		}
		if x {
			hits++
		}
	}
	if frac := float64(hits) / n; frac < 0.09 || frac > 0.11 {
		t.Errorf("chance(0.1) hit %.3f of orders, want about 0.1", frac)
	}
	for _, p := range []float64{0, 1} {
		if got := a.chance("x", "ord-1", p); got != (p == 1) {
			t.Errorf("chance(%v) = %v", p, got)
		}
	}
}

func TestOrderIDs(t *testing.T) {
	re := regexp.MustCompile(`^ord-[0-9a-f]{8}$`)
	s := newShop(Config{Seed: 3, Logger: slog.New(slog.DiscardHandler)})
	again := newShop(Config{Seed: 3, Logger: slog.New(slog.DiscardHandler)})
	seen := map[string]bool{}
	for range 100000 {
		id := s.nextOrderID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("order ID %q malformed or repeated", id)
		}
		seen[id] = true
		if id2 := again.nextOrderID(); id2 != id {
			t.Fatalf("seeded order IDs differ: %s, %s", id, id2)
		}
	}
}

func TestDedupe(t *testing.T) {
	d := newDedupe(3)
	steps := []struct {
		id   string
		want bool
	}{{"a", true}, {"a", false}, {"b", true}, {"c", true}, {"d", true}, {"a", true}, {"c", false}}
	for i, st := range steps {
		if got := d.add(st.id); got != st.want {
			t.Errorf("step %d add(%s) = %v, want %v", i, st.id, got, st.want)
		}
	}
	if len(d.ids) != 3 {
		t.Errorf("dedupe holds %d IDs, want 3", len(d.ids))
	}
}

func TestDeliveryWaitsForBothAndForgets(t *testing.T) {
	d := newDeliveryService(&service{}, newShop(Config{Seed: 1, Logger: slog.New(slog.DiscardHandler)}))
	now := time.Now()
	paid := inEvent{ID: "p1", Type: TypePaymentAuthorized, OrderID: "ord-1", Data: []byte(`{"customerId":"cus-1001","amount":21.5}`)}
	boxed := inEvent{ID: "b1", Type: TypePizzaBoxed, OrderID: "ord-1"}
	if _, ready := d.update(paid, now); ready {
		t.Fatal("ready after payment only")
	}
	w, ready := d.update(boxed, now)
	if !ready || w.customerID != "cus-1001" || w.amount != 21.5 {
		t.Fatalf("after both: ready %v, waiting %+v", ready, w)
	}
	if n := d.openOrders(); n != 0 {
		t.Errorf("%d open orders after dispatch, want 0", n)
	}

	// Failed payment: never ready, even when boxed later.
	d.update(inEvent{ID: "f2", Type: TypePaymentFailed, OrderID: "ord-2"}, now)
	if _, ready := d.update(inEvent{ID: "b2", Type: TypePizzaBoxed, OrderID: "ord-2"}, now); ready {
		t.Error("cancelled order ready")
	}
	// Stalled orders are forgotten after the TTL.
	for i := range 100 {
		d.update(inEvent{ID: fmt.Sprint("s", i), Type: TypePaymentAuthorized, OrderID: fmt.Sprint("ord-s", i)}, now)
	}
	d.update(inEvent{ID: "x", Type: TypePizzaBoxed, OrderID: "ord-late"}, now.Add(deliveryTTL+deliverySweep+time.Second))
	if n := d.openOrders(); n != 1 {
		t.Errorf("%d open orders after TTL sweep, want 1", n)
	}
}

func TestDeliveryCap(t *testing.T) {
	d := newDeliveryService(&service{}, newShop(Config{Seed: 1, Logger: slog.New(slog.DiscardHandler)}))
	now := time.Now()
	for i := range deliveryMaxOpen + 50 {
		d.update(inEvent{ID: fmt.Sprint(i), Type: TypePizzaBoxed, OrderID: fmt.Sprint("ord-", i)}, now.Add(time.Duration(i)))
	}
	if n := d.openOrders(); n > deliveryMaxOpen {
		t.Errorf("%d open orders, want at most %d", n, deliveryMaxOpen)
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Brokers: []string{"x:9092"}}
	got, err := c.withDefaults()
	if err != nil || got.Rate != 2 || got.Logger == nil {
		t.Errorf("withDefaults() = rate %v logger %v err %v", got.Rate, got.Logger, err)
	}
	bad := []Config{
		{},
		{Brokers: []string{"x"}, Rate: -1},
		{Brokers: []string{"x"}, MaxOrders: -1},
		{Brokers: []string{"x"}, Faults: Faults{Stall: 1.5}},
	}
	for _, c := range bad {
		if _, err := c.withDefaults(); err == nil {
			t.Errorf("withDefaults(%+v) = nil error", c)
		}
	}
	if err := DefaultFaults().validate(); err != nil {
		t.Errorf("DefaultFaults invalid: %v", err)
	}
}
