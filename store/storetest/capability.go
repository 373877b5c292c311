package storetest

import (
	"slices"
	"testing"

	"github.com/eventscope/eventscope/store"
)

// Capability names an optional part of the store contract: one of the
// optional interfaces a store may implement beside store.Store. A backend
// declares what it lacks when it calls Run; the suite skips only that, and
// fails a store that lacks a capability it did not declare (so a wrapper
// that hides a method is caught).
type Capability string

// The optional interfaces the suite checks.
const (
	// Insights is store.Insights: topic rates, slowest flows, event types,
	// recent events (the dashboard, the live tail's backlog, the service
	// map).
	Insights Capability = "store.Insights"
	// Positions is store.Positions: consumer-group offset history and
	// records by coordinates.
	Positions Capability = "store.Positions"
	// Failures is store.Failures: the failed and dead-lettered records
	// (the failures inbox).
	Failures Capability = "store.Failures"
	// Audit is store.Audit: the audit log of actions (redrives).
	Audit Capability = "store.Audit"
)

// capable returns s as the optional interface T of capability c. It skips
// the test when the backend declared it lacks c, and fails it when the
// store lacks T without saying so.
func capable[T any](t *testing.T, s store.Store, c Capability, lacks []Capability) T {
	t.Helper()
	v, ok := s.(T)
	switch {
	case slices.Contains(lacks, c):
		t.Skipf("the backend declares it lacks %s", c)
	case !ok:
		t.Fatalf("%T does not implement %s: implement it, or pass storetest.%s to Run among the capabilities the backend lacks",
			s, c, capName(c))
	}
	return v
}

func capName(c Capability) string {
	switch c {
	case Insights:
		return "Insights"
	case Positions:
		return "Positions"
	case Failures:
		return "Failures"
	case Audit:
		return "Audit"
	case Rewriter:
		return "Rewriter"
	}
	return string(c)
}
