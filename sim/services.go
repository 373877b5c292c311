package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// orderService places orders at a steady rate and compensates failed
// payments by cancelling the order (the saga's compensation step).
type orderService struct {
	*service
	shop *shop
}

func (o *orderService) generate(ctx context.Context, rate float64, maxOrders int) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for n := 0; maxOrders == 0 || n < maxOrders; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		o.place()
	}
	o.log.Info("order generator done", "orders", maxOrders)
}

func (o *orderService) place() {
	s := o.shop
	id := s.nextOrderID()
	cust := s.intn(len(customerNames))
	data := orderPlaced{
		OrderID:         id,
		Status:          "placed",
		Customer:        customer{ID: "cus-" + strconv.Itoa(1001+cust), Name: customerNames[cust]},
		Currency:        "EUR",
		DeliveryAddress: fmt.Sprintf("%d %s", 1+s.intn(120), pick(s, streets)),
		Channel:         pick(s, channels),
	}
	for range 1 + s.intn(3) {
		m, sz := pick(s, menu), pick(s, sizes)
		it := item{
			SKU: "PZ-" + m.code + "-" + sz.code, Name: m.name, Size: sz.name,
			Quantity: 1 + s.intn(2), UnitPrice: roundCents(m.price * sz.factor),
		}
		data.Items = append(data.Items, it)
		data.Total += float64(it.Quantity) * it.UnitPrice
	}
	data.Total = roundCents(data.Total + 2.50) // delivery fee
	e := outEvent{
		ID: NewUUID(), Type: TypeOrderPlaced, Topic: TopicOrders, OrderID: id,
		CorrelationID: NewUUID(), Time: time.Now(), Data: data,
	}
	s.cfg.Truth.flow(e.CorrelationID)
	o.publish(e)
	if s.chance("duplicate", id, s.cfg.Faults.Duplicate) {
		// A retry after a lost acknowledgement: same event, same ID.
		s.cfg.Truth.fault(FaultDuplicate, e)
		o.after(s.between(20*time.Millisecond, 200*time.Millisecond), func() { o.publish(e) })
	}
}

func (o *orderService) handle(_ string, in inEvent) {
	if in.Type != TypePaymentFailed {
		return
	}
	var p payment
	_ = json.Unmarshal(in.Data, &p)
	if s := o.shop; s.chance("no_compensation", in.OrderID, s.cfg.Faults.NoCompensation) {
		o.log.Debug("order not cancelled", "order_id", in.OrderID)
		s.cfg.Truth.fault(FaultNoCompensation, outEvent{ID: in.ID, Type: in.Type, OrderID: in.OrderID, CorrelationID: in.CorrelationID})
		return
	}
	o.after(o.shop.between(10*time.Millisecond, 80*time.Millisecond), func() {
		o.publish(outEvent{
			ID: NewUUID(), Type: TypeOrderCancelled, Topic: TopicOrders, OrderID: in.OrderID,
			CorrelationID: in.CorrelationID, CausationID: in.ID, Time: time.Now(),
			Data: orderCancelled{OrderID: in.OrderID, Status: "cancelled", CancelReason: "payment failed: " + p.FailureReason},
		})
	})
}

// kitchenService bakes and boxes the pizzas of every placed order.
type kitchenService struct {
	*service
	shop *shop
}

func (k *kitchenService) handle(_ string, in inEvent) {
	if in.Type != TypeOrderPlaced {
		return
	}
	s, f := k.shop, k.shop.cfg.Faults
	var o orderPlaced
	_ = json.Unmarshal(in.Data, &o)
	pizzas := 0
	for _, it := range o.Items {
		pizzas += it.Quantity
	}
	k.after(s.between(100*time.Millisecond, 400*time.Millisecond), func() {
		if s.branchFails(in.OrderID) {
			rejected := outEvent{
				ID: NewUUID(), Type: TypeKitchenRejected, Topic: TopicKitchen, OrderID: in.OrderID,
				CorrelationID: in.CorrelationID, CausationID: in.ID, Time: time.Now(),
				Data: kitchenRejected{OrderID: in.OrderID, KitchenStatus: "rejected", Reason: pick(s, rejectReasons)},
			}
			s.cfg.Truth.fault(FaultBranchFailure, rejected)
			k.publish(rejected)
			return
		}
		at := time.Now()
		skewed := s.chance("out_of_order", in.OrderID, f.OutOfOrder) && !in.Time.IsZero()
		if skewed {
			// The kitchen tablet's clock runs behind.
			at = in.Time.Add(-s.between(300*time.Millisecond, 2*time.Second))
		}
		prepared := outEvent{
			ID: NewUUID(), Type: TypePizzaPrepared, Topic: TopicKitchen, OrderID: in.OrderID,
			CorrelationID: in.CorrelationID, CausationID: in.ID, Time: at,
			Data: pizzaPrepared{OrderID: in.OrderID, KitchenStatus: "prepared", Chef: pick(s, chefs), Oven: 1 + s.intn(3), Pizzas: pizzas},
		}
		if skewed {
			s.cfg.Truth.fault(FaultOutOfOrder, prepared)
		}
		k.publish(prepared)
		if s.chance("stall", in.OrderID, f.Stall) {
			s.cfg.Truth.fault(FaultStall, prepared)
			k.log.Debug("order stalls in the kitchen", "order_id", in.OrderID)
			return
		}
		d := s.between(50*time.Millisecond, 250*time.Millisecond)
		slow := s.chance("slow_hop", in.OrderID, f.SlowHop)
		if slow {
			d = s.between(3*time.Second, 6*time.Second)
		}
		k.after(d, func() {
			boxed := outEvent{
				ID: NewUUID(), Type: TypePizzaBoxed, Topic: TopicKitchen, OrderID: in.OrderID,
				CorrelationID: in.CorrelationID, CausationID: prepared.ID, Time: time.Now(),
				Data: pizzaBoxed{OrderID: in.OrderID, KitchenStatus: "boxed", Boxes: pizzas},
			}
			if slow {
				s.cfg.Truth.fault(FaultSlowHop, boxed)
			}
			k.publish(boxed)
		})
	})
}

// paymentService charges every placed order.
type paymentService struct {
	*service
	shop *shop
}

func (p *paymentService) handle(topic string, in inEvent) {
	if in.Type == TypeOrderCancelled {
		p.release(in)
		return
	}
	if in.Type != TypeOrderPlaced {
		return
	}
	s, f := p.shop, p.shop.cfg.Faults
	var o orderPlaced
	_ = json.Unmarshal(in.Data, &o)
	charge := func() { p.charge(in, o) }
	p.after(s.between(50*time.Millisecond, 300*time.Millisecond), func() {
		lost := s.chance("lost_dead_letter", in.OrderID, f.LostDeadLetter)
		if !lost && !s.chance("dead_letter", in.OrderID, f.DeadLetter) {
			charge()
			return
		}
		dl := outEvent{
			ID: NewUUID(), Type: in.Type, Topic: TopicPaymentDLT, OrderID: in.OrderID,
			CorrelationID: in.CorrelationID, CausationID: in.ID, Time: time.Now(),
			Data: deadLettered{OrderID: in.OrderID, PaymentStatus: "dead_lettered", Error: "payment gateway timeout", Attempts: 3},
			Headers: []sarama.RecordHeader{
				{Key: []byte("dlt-original-topic"), Value: []byte(topic)},
				{Key: []byte("dlt-original-event-id"), Value: []byte(in.ID)},
				{Key: []byte("dlt-exception-message"), Value: []byte("payment gateway timeout after 3 attempts")},
			},
		}
		if lost {
			s.cfg.Truth.fault(FaultLostDeadLetter, dl)
			p.publishAs(dl, convEnvelopeHeaders)
			return // nobody redrives it
		}
		s.cfg.Truth.fault(FaultDeadLetter, dl)
		p.publishAs(dl, convEnvelopeHeaders)
		// Re-driven from the dead-letter topic by an operator a little later.
		p.after(s.between(500*time.Millisecond, 1500*time.Millisecond), charge)
	})
}

func (p *paymentService) charge(in inEvent, o orderPlaced) {
	s, f := p.shop, p.shop.cfg.Faults
	data := payment{
		OrderID: in.OrderID, PaymentStatus: "authorized", PaymentID: shortID(s, "pay"),
		CustomerID: o.Customer.ID, Amount: o.Total, Currency: o.Currency, Method: pick(s, paymentMethods),
	}
	typ := TypePaymentAuthorized
	if s.chance("payment_failure", in.OrderID, f.PaymentFailure) {
		typ, data.PaymentStatus, data.FailureReason = TypePaymentFailed, "failed", pick(s, declineReasons)
	}
	out := outEvent{
		ID: NewUUID(), Type: typ, Topic: TopicPayments, OrderID: in.OrderID,
		CorrelationID: in.CorrelationID, CausationID: in.ID, Time: time.Now(), Data: data,
	}
	if typ == TypePaymentFailed {
		s.cfg.Truth.fault(FaultPaymentFailure, out)
	}
	if s.chance("orphan", in.OrderID, f.Orphan) {
		// Names the internal AuthorizePayment command, never published.
		out.CausationID = NewUUID()
		s.cfg.Truth.fault(FaultOrphan, out)
	}
	p.publish(out)
}

// release releases the card hold a declined payment left once its order is
// cancelled: nothing to publish, but when the bank does not answer
// (Faults.FailedCompensation) the compensation fails: RefundFailed.
func (p *paymentService) release(in inEvent) {
	s := p.shop
	if !s.chance("failed_compensation", in.OrderID, s.cfg.Faults.FailedCompensation) {
		return
	}
	p.after(s.between(20*time.Millisecond, 150*time.Millisecond), func() {
		out := outEvent{
			ID: NewUUID(), Type: TypeRefundFailed, Topic: TopicPayments, OrderID: in.OrderID,
			CorrelationID: in.CorrelationID, CausationID: in.ID, Time: time.Now(),
			Data: payment{OrderID: in.OrderID, PaymentStatus: "refund_failed", FailureReason: "card hold not released: bank unavailable"},
		}
		s.cfg.Truth.fault(FaultFailedCompensation, out)
		p.publish(out)
	})
}

// branchFails reports whether the kitchen rejects the order
// (Faults.BranchFailure): only when its payment neither fails nor is lost
// on the dead-letter topic, so the payment branch succeeds (the decisions
// depend on the seed and order alone).
func (s *shop) branchFails(orderID string) bool {
	f := s.cfg.Faults
	return s.chance("branch_failure", orderID, f.BranchFailure) &&
		!s.chance("payment_failure", orderID, f.PaymentFailure) && !s.chance("lost_dead_letter", orderID, f.LostDeadLetter)
}

// loyaltyService awards points for every delivered order.
type loyaltyService struct {
	*service
	shop     *shop
	mu       sync.Mutex
	balances map[string]int // bounded: customers come from a fixed list
}

func (l *loyaltyService) handle(_ string, in inEvent) {
	if in.Type != TypeOrderDelivered {
		return
	}
	var d orderDelivered
	_ = json.Unmarshal(in.Data, &d)
	points := int(math.Floor(d.Total)) * 10
	l.mu.Lock()
	l.balances[d.CustomerID] += points
	balance := l.balances[d.CustomerID]
	l.mu.Unlock()
	l.after(l.shop.between(20*time.Millisecond, 150*time.Millisecond), func() {
		l.publish(outEvent{
			ID: NewUUID(), Type: TypePointsAwarded, Topic: TopicLoyalty, OrderID: in.OrderID,
			CorrelationID: in.CorrelationID, CausationID: in.ID, Time: time.Now(),
			Data: pointsAwarded{OrderID: in.OrderID, CustomerID: d.CustomerID, Points: points, PointsBalance: balance},
		})
	})
}
