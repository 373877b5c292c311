// Package benchshop is the synthetic shop both benchmark commands
// (clickhouse/bench and ingest/bench) generate records for: its business
// topics, their producing services and event types, and the dead-letter
// topic, so that the two benchmarks measure the same shape of data.
package benchshop

// Service is one business topic and the service and event type it carries.
type Service struct{ Topic, Source, Type string }

// Services of the shop: one topic and producing service each; with
// DLTTopic, eight topics in all.
var Services = []Service{
	{"orders", "order-service", "OrderPlaced"},
	{"payments", "payment-service", "PaymentAuthorized"},
	{"inventory", "inventory-service", "StockReserved"},
	{"kitchen", "kitchen-service", "MealPrepared"},
	{"delivery", "delivery-service", "DeliveryScheduled"},
	{"billing", "billing-service", "InvoiceIssued"},
	{"notifications", "notification-service", "CustomerNotified"},
}

// DLTTopic is the dead-letter topic of payments.
const DLTTopic = "payments.DLT"
