package sim

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/IBM/sarama"
)

// Topics the shop uses. Each is created with TopicPartitions partitions when
// missing; every record's key is the order ID.
const (
	TopicOrders     = "orders"
	TopicKitchen    = "kitchen"
	TopicPayments   = "payments"
	TopicDelivery   = "delivery"
	TopicLoyalty    = "loyalty"
	TopicPaymentDLT = "payments.DLT"

	TopicPartitions = 3
)

// Topics lists every topic the shop writes, dead-letter topic included.
func Topics() []string {
	return []string{TopicOrders, TopicKitchen, TopicPayments, TopicDelivery, TopicLoyalty, TopicPaymentDLT}
}

// Service names: the producer/source of each service's events and its
// consumer group ID.
const (
	ServiceOrder    = "order-service"
	ServiceKitchen  = "kitchen-service"
	ServicePayment  = "payment-service"
	ServiceDelivery = "delivery-service"
	ServiceLoyalty  = "loyalty-service"
)

// Faults are per-order probabilities (0..1) of the faults the shop injects
// on purpose, so that the tracer has something to find.
type Faults struct {
	// Duplicate: order-service publishes OrderPlaced twice (same event ID),
	// as a producer retry after a lost acknowledgement would.
	Duplicate float64
	// OutOfOrder: the kitchen's clock runs behind, so PizzaPrepared is
	// timestamped before the OrderPlaced that caused it.
	OutOfOrder float64
	// Orphan: payment-service names as causation ID an internal command that
	// was never published.
	Orphan float64
	// DeadLetter: payment-service fails its first attempt and parks the
	// order on payments.DLT, then succeeds on the retry.
	DeadLetter float64
	// Stall: the kitchen prepares the pizza but never boxes it, so the flow
	// stops half-way (no delivery, no points).
	Stall float64
	// PaymentFailure: the card is declined: PaymentFailed, then order-service
	// compensates with OrderCancelled.
	PaymentFailure float64
	// SlowHop: the oven is backed up and boxing takes seconds instead of
	// hundreds of milliseconds.
	SlowHop float64
	// NoCompensation: of the orders whose payment failed, order-service
	// does not cancel (its handler crashed): a failure never compensated.
	NoCompensation float64
	// LostDeadLetter: payment-service parks the order on payments.DLT and
	// nobody ever retries it: the order is never paid nor delivered.
	LostDeadLetter float64
	// LateDelivery: the courier takes twice as long: late, not lost (no
	// anomaly).
	LateDelivery float64
	// FailedCompensation: of the orders cancelled after a failed payment,
	// payment-service fails to release the card hold the declined attempt
	// left (RefundFailed): the compensation itself fails.
	FailedCompensation float64
	// BranchFailure: the kitchen rejects the order (KitchenRejected) while
	// the payment, the other branch OrderPlaced fans out to, succeeds;
	// nobody compensates. Only orders whose payment neither fails nor is
	// lost on the dead-letter topic (so the failing branch is the kitchen's
	// alone).
	BranchFailure float64
}

// DefaultFaults returns probabilities that make each fault show up several
// times a minute at 2 orders per second.
func DefaultFaults() Faults {
	return Faults{
		Duplicate:      0.04,
		OutOfOrder:     0.04,
		Orphan:         0.04,
		DeadLetter:     0.04,
		Stall:          0.04,
		PaymentFailure: 0.15,
		SlowHop:        0.03,
		NoCompensation: 0.1,
		LostDeadLetter: 0.02,
		LateDelivery:   0.03,

		FailedCompensation: 0.1,
		BranchFailure:      0.02,
	}
}

func (f Faults) validate() error {
	for name, p := range map[string]float64{
		"duplicate": f.Duplicate, "out of order": f.OutOfOrder, "orphan": f.Orphan,
		"dead letter": f.DeadLetter, "stall": f.Stall, "payment failure": f.PaymentFailure,
		"slow hop": f.SlowHop, "no compensation": f.NoCompensation, "lost dead letter": f.LostDeadLetter,
		"late delivery": f.LateDelivery, "failed compensation": f.FailedCompensation, "branch failure": f.BranchFailure,
	} {
		if p < 0 || p > 1 {
			return fmt.Errorf("%s probability %v not in [0, 1]", name, p)
		}
	}
	return nil
}

// Config configures the simulated shop.
type Config struct {
	// Brokers is the Kafka bootstrap list.
	Brokers []string
	// Rate is new orders per second (default 2).
	Rate float64
	// Faults are the fault probabilities; the zero value injects none (use
	// DefaultFaults for the demo).
	Faults Faults
	// Seed makes order IDs and fault decisions reproducible; 0 picks a
	// random seed. Two runs with one seed produce the same order IDs.
	Seed int64
	// MixedConventions makes services publish with different ID
	// conventions: kitchen CloudEvents binary mode, delivery plain headers,
	// loyalty CloudEvents structured mode. Default: JSON envelopes.
	MixedConventions bool
	// AvroLoyalty makes the loyalty service write Avro in the Schema
	// Registry wire format (schemas: AvroSchemas), for --schema-dir.
	AvroLoyalty bool
	// Logger is the parent logger (default: discard).
	Logger *slog.Logger
	// SaramaConfig returns a new base sarama config (TLS, SASL, ...) each
	// time it is called (once per client); nil uses sarama.NewConfig(). The
	// shop overrides client ID, version (at least 0.11 for headers),
	// producer acks and partitioner, Flush.Bytes (at most 512 KiB), initial
	// offsets (oldest) and the group strategy (range).
	SaramaConfig func() *sarama.Config
	// MaxOrders stops producing new orders after this many (0: unbounded).
	// Services keep running until the context is done.
	MaxOrders int
	// Truth, when set, records every flow started and every fault
	// injected (the ground truth of a diagnosis score).
	Truth *Truth
}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if len(out.Brokers) == 0 {
		return out, errors.New("no brokers given")
	}
	if out.Rate == 0 {
		out.Rate = 2
	}
	if out.Rate < 0 {
		return out, fmt.Errorf("rate %v is negative", out.Rate)
	}
	if err := out.Faults.validate(); err != nil {
		return out, fmt.Errorf("faults: %w", err)
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.MaxOrders < 0 {
		return out, fmt.Errorf("max orders %d is negative", out.MaxOrders)
	}
	return out, nil
}
