// Package sim is the demo world: an embedded Kafka-protocol broker (kfake)
// and a simulated pizza shop whose services are real sarama consumers and
// producers.
//
// StartBroker runs kfake on 127.0.0.1 with retention, so hours of demo stay
// within tens of MiB. Run starts five services, each its own consumer group
// and producer, and an order generator:
//
//	order-service    → orders    OrderPlaced (root); OrderCancelled on PaymentFailed
//	kitchen-service  → kitchen   PizzaPrepared, PizzaBoxed     (on OrderPlaced)
//	payment-service  → payments  PaymentAuthorized | PaymentFailed (on OrderPlaced)
//	delivery-service → delivery  OutForDelivery, OrderDelivered (once boxed and paid)
//	loyalty-service  → loyalty   PointsAwarded                  (on OrderDelivered)
//
// Every record's key is the order ID ("ord-7f3a9c21"); every event carries
// the order's correlation ID and, as causation ID, the event ID (a UUID) of
// the event it reacts to. Values are JSON envelopes
// {"metadata":{eventId,eventType,eventVersion,correlationId,causationId,
// producer,timestamp},"data":{orderId,...}}; order-service and
// payment-service also set correlation-id, causation-id and event-id
// headers. With Config.MixedConventions the kitchen writes CloudEvents
// binary mode, delivery plain headers only and loyalty CloudEvents
// structured mode. Each event's data holds the fields it changes (status,
// kitchenStatus, paymentStatus, ...), so merging an order's data in order
// gives its state.
//
// Faults (per-order probabilities, Faults) make the anomalies the tracer
// looks for: a duplicate OrderPlaced, a PizzaPrepared timestamped before
// its cause, a payment naming a never-published cause, an order parked on
// payments.DLT (then retried, or never), a flow that stops after
// PizzaPrepared, failed payments compensated by OrderCancelled (or not),
// slow boxing and late deliveries. With Config.Truth the shop records
// every fault it injects (the ground truth of internal/simscore).
package sim
