package sim

import (
	"encoding/json"
	"sync"
	"time"
)

// Bounds on the delivery service's per-order memory.
const (
	deliveryTTL     = 10 * time.Minute // an order waiting longer is forgotten
	deliveryMaxOpen = 10000            // at most this many orders waiting
	deliverySweep   = time.Minute
)

// deliveryService dispatches a courier once an order is both boxed and
// paid, then delivers it. It remembers only orders still waiting for one
// of the two, and forgets them after deliveryTTL (stalled or cancelled
// orders never complete).
type deliveryService struct {
	*service
	shop *shop

	mu        sync.Mutex
	open      map[string]*waiting
	lastSweep time.Time
}

type waiting struct {
	since      time.Time
	boxed      bool
	paid       bool
	cancelled  bool
	customerID string
	amount     float64
}

func newDeliveryService(s *service, sh *shop) *deliveryService {
	return &deliveryService{service: s, shop: sh, open: map[string]*waiting{}, lastSweep: time.Now()}
}

func (d *deliveryService) handle(_ string, in inEvent) {
	switch in.Type {
	case TypePizzaBoxed, TypePaymentAuthorized, TypePaymentFailed:
	default:
		return
	}
	if w, ready := d.update(in, time.Now()); ready {
		d.dispatch(in, w)
	}
}

// update records in and reports whether the order is now ready to go out:
// boxed and paid. A ready order is forgotten at once.
func (d *deliveryService) update(in inEvent, now time.Time) (waiting, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sweep(now)
	w := d.open[in.OrderID]
	if w == nil {
		w = &waiting{since: now}
		d.open[in.OrderID] = w
	}
	switch in.Type {
	case TypePizzaBoxed:
		w.boxed = true
	case TypePaymentAuthorized:
		var p payment
		_ = json.Unmarshal(in.Data, &p)
		w.paid, w.customerID, w.amount = true, p.CustomerID, p.Amount
	case TypePaymentFailed:
		w.cancelled = true
	}
	if w.boxed && w.paid && !w.cancelled {
		delete(d.open, in.OrderID)
		return *w, true
	}
	return waiting{}, false
}

// sweep forgets orders waiting past deliveryTTL, and the oldest ones when
// too many wait. The caller holds d.mu.
func (d *deliveryService) sweep(now time.Time) {
	if now.Sub(d.lastSweep) < deliverySweep && len(d.open) < deliveryMaxOpen {
		return
	}
	d.lastSweep = now
	for id, w := range d.open {
		if now.Sub(w.since) > deliveryTTL {
			delete(d.open, id)
		}
	}
	for len(d.open) >= deliveryMaxOpen {
		var oldest string
		var at time.Time
		for id, w := range d.open {
			if oldest == "" || w.since.Before(at) {
				oldest, at = id, w.since
			}
		}
		delete(d.open, oldest)
	}
}

// openOrders returns how many orders wait (for tests).
func (d *deliveryService) openOrders() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.open)
}

// dispatch sends a courier for the order whose last awaited event is cause.
func (d *deliveryService) dispatch(cause inEvent, w waiting) {
	s := d.shop
	d.after(s.between(50*time.Millisecond, 250*time.Millisecond), func() {
		out := outEvent{
			ID: NewUUID(), Type: TypeOutForDelivery, Topic: TopicDelivery, OrderID: cause.OrderID,
			CorrelationID: cause.CorrelationID, CausationID: cause.ID, Time: time.Now(),
			Data: outForDelivery{OrderID: cause.OrderID, Status: "out_for_delivery", Courier: pick(s, couriers), ETAMinutes: 10 + s.intn(25)},
		}
		d.publish(out)
		late := s.chance("late_delivery", cause.OrderID, s.cfg.Faults.LateDelivery)
		wait := s.between(100*time.Millisecond, 500*time.Millisecond)
		if late {
			wait *= 2
		}
		d.after(wait, func() {
			delivered := outEvent{
				ID: NewUUID(), Type: TypeOrderDelivered, Topic: TopicDelivery, OrderID: cause.OrderID,
				CorrelationID: cause.CorrelationID, CausationID: out.ID, Time: time.Now(),
				Data: orderDelivered{OrderID: cause.OrderID, Status: "delivered", DeliveredAt: formatTime(time.Now()), CustomerID: w.customerID, Total: w.amount},
			}
			if late {
				s.cfg.Truth.fault(FaultLateDelivery, delivered)
			}
			d.publish(delivered)
		})
	})
}
