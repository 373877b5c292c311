package diagnose

import (
	"slices"
	"testing"
)

func TestIsDeadLetter(t *testing.T) {
	c := Default()
	c.DeadLetterTopics = append(c.DeadLetterTopics, "*.Errors", "parking-lot-*")
	for topic, want := range map[string]bool{
		"orders.DLT":        true, // built-in names stay
		"payments-dlq":      true,
		"dlq.kitchen":       true,
		"orders.errors":     true, // configured, case-insensitive
		"ORDERS.ERRORS":     true,
		"parking-lot-7":     true,
		"orders":            false,
		"orders.dltx":       false,
		"dlqueue":           false,
		"errors.orders":     false,
		"parking-lot":       false,
		"orders.errors.old": false,
		"</script>.DLT":     true,
	} {
		if got := c.IsDeadLetter(topic); got != want {
			t.Errorf("IsDeadLetter(%q) = %v, want %v", topic, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"PaymentFailed":      {"payment", "failed"},
		"payment.failed":     {"payment", "failed"},
		"HTTPTimedOut":       {"http", "timed", "out"},
		"order_cancelled.v2": {"order", "cancelled", "v2"},
		"":                   nil,
	} {
		if got := words(in); !slices.Equal(got, want) {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTypePatterns(t *testing.T) {
	c := Default()
	for typ, want := range map[string]bool{
		"PaymentFailed": true, "payment.failed": true, "OrderTimedOut": true, "GatewayTimeout": true,
		"CardDeclined": true, "ValidationError": true, "Unfailedness": false, "OrderPlaced": false,
		"FailedOver": true, "Errors": false, "TimedOrder": false,
	} {
		if got := c.IsFailureType(typ); got != want {
			t.Errorf("IsFailureType(%q) = %v, want %v", typ, got, want)
		}
	}
	for typ, want := range map[string]bool{
		"OrderCancelled": true, "order.canceled": true, "PaymentRefunded": true, "TxRolledBack": true,
		"RefundFailed": false, "OrderPlaced": false,
	} {
		if got := c.IsCompensationType(typ); got != want {
			t.Errorf("IsCompensationType(%q) = %v, want %v", typ, got, want)
		}
	}
}
