package sim

import (
	"slices"
	"sync"
)

// The faults the shop injects, as Fault.Kind names them (Faults has the
// probability of each).
const (
	FaultDuplicate      = "duplicate"        // OrderPlaced published twice (EventID: it)
	FaultOutOfOrder     = "out_of_order"     // PizzaPrepared timestamped before its cause (EventID: it)
	FaultOrphan         = "orphan"           // a payment names an unpublished cause (EventID: the payment)
	FaultDeadLetter     = "dead_letter"      // the order parked on payments.DLT, then retried (EventID: the DLT record)
	FaultStall          = "stall"            // the kitchen never boxes (EventID: the PizzaPrepared left waiting)
	FaultPaymentFailure = "payment_failure"  // PaymentFailed, compensated by OrderCancelled (EventID: PaymentFailed)
	FaultSlowHop        = "slow_hop"         // boxing takes seconds (EventID: the slow PizzaBoxed)
	FaultNoCompensation = "no_compensation"  // a failed payment never compensated (EventID: PaymentFailed)
	FaultLostDeadLetter = "lost_dead_letter" // parked on payments.DLT, never retried (EventID: the DLT record)
	FaultLateDelivery   = "late_delivery"    // the courier takes twice as long (EventID: OrderDelivered)

	FaultFailedCompensation = "failed_compensation" // the cancellation's refund fails (EventID: RefundFailed)
	FaultBranchFailure      = "branch_failure"      // the kitchen branch fails, the payment succeeds (EventID: KitchenRejected)
)

// Fault is one fault the shop injected on purpose: the ground truth a
// diagnosis is scored against.
type Fault struct {
	Kind    string // one of the Fault* names
	Flow    string // the order's correlation ID
	OrderID string
	EventID string // the event the fault concerns
	Type    string // its type
}

// Truth records every flow the shop starts and every fault it injects
// into one (Config.Truth). Safe for concurrent use; it grows with the
// orders, so give one only to bounded runs (Config.MaxOrders).
type Truth struct {
	mu     sync.Mutex
	flows  []string
	faults map[string][]Fault
}

// NewTruth returns an empty record.
func NewTruth() *Truth { return &Truth{faults: map[string][]Fault{}} }

func (t *Truth) flow(id string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.flows = append(t.flows, id)
	t.mu.Unlock()
}

func (t *Truth) fault(kind string, e outEvent) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.faults[e.CorrelationID] = append(t.faults[e.CorrelationID],
		Fault{Kind: kind, Flow: e.CorrelationID, OrderID: e.OrderID, EventID: e.ID, Type: e.Type})
	t.mu.Unlock()
}

// Flows returns the correlation IDs of the flows started, in order.
func (t *Truth) Flows() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.flows)
}

// Faults returns the faults injected into flow, in the order injected.
func (t *Truth) Faults(flow string) []Fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.faults[flow])
}
