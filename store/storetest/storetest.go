// Package storetest is the one conformance suite every store backend must
// pass: a backend's own _test.go calls Run with a function that opens a
// fresh, empty store. The suite checks every contract written in package
// store (idempotent writes, duplicate publications, flow order and
// fallback IDs, Resolve, flow summaries and their anomalies, paging,
// every search term, literal matching of hostile values, round-trips of
// every Event field, stats, large and concurrent writes). It also exports
// small builders (Gen, MakeEvent) that tests of other packages may use.
package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Opener returns a fresh, empty store. The suite closes it when the subtest
// that opened it ends, so open must not register its own Close.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite against the backend open returns, in named
// subtests (Write, Read, Resolve, Summary, Anomalies, Paging, Terms,
// MatchesEvent, Injection, Stats, Concurrency, Wrapped, Internal, and one
// per optional interface: Insights, Positions, Failures, Audit, Rewrite) that run one after another. lacks names
// the optional interfaces (Capability) the backend does not implement:
// their subtests are skipped; any other one the store lacks fails. open
// is called for about fifty fresh stores; each is closed by the suite. A
// backend's test is a few lines:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := mybackend.Open(t.Context(), ...)
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		}) // , storetest.Positions when it lacks store.Positions
//	}
func Run(t *testing.T, open func(t *testing.T) store.Store, lacks ...Capability) {
	t.Helper()
	o := Opener(open)
	t.Run("Write", func(t *testing.T) { runWrite(t, o) })
	t.Run("Read", func(t *testing.T) { runRead(t, o) })
	t.Run("Resolve", func(t *testing.T) { runResolve(t, o) })
	t.Run("Summary", func(t *testing.T) { runSummary(t, o) })
	t.Run("Anomalies", func(t *testing.T) { runAnomalies(t, o) })
	t.Run("Paging", func(t *testing.T) { runPaging(t, o) })
	t.Run("Terms", func(t *testing.T) { runTerms(t, o) })
	t.Run("MatchesEvent", func(t *testing.T) { runMatchesEvent(t, o) })
	t.Run("PayloadTerms", func(t *testing.T) { runPayloadTerms(t, o) })
	t.Run("PayloadAcrossWrites", func(t *testing.T) { runPayloadAcrossWrites(t, o) })
	t.Run("TypeFields", func(t *testing.T) { runTypeFields(t, o) })
	t.Run("TruncatedFlows", func(t *testing.T) { runTruncatedFlows(t, o) })
	t.Run("Injection", func(t *testing.T) { runInjection(t, o) })
	t.Run("Stats", func(t *testing.T) { runStats(t, o) })
	t.Run("Concurrency", func(t *testing.T) { runConcurrency(t, o) })
	t.Run("Wrapped", func(t *testing.T) { runWrapped(t, o) })
	t.Run("Internal", func(t *testing.T) { runInternal(t, o) })
	t.Run("Insights", func(t *testing.T) { runInsights(t, o, lacks) })
	t.Run("Positions", func(t *testing.T) { runPositions(t, o, lacks) })
	t.Run("Failures", func(t *testing.T) { runFailures(t, o, lacks) })
	t.Run("Audit", func(t *testing.T) { runAudit(t, o, lacks) })
	t.Run("Rewrite", func(t *testing.T) { runRewrite(t, o, lacks) })
}

// fresh opens a store for one subtest and closes it at its end.
func (o Opener) fresh(t *testing.T) store.Store {
	t.Helper()
	s := o(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// with opens a fresh store holding batches, written one Write each.
func (o Opener) with(t *testing.T, batches ...[]event.Event) store.Store {
	t.Helper()
	s := o.fresh(t)
	for i, b := range batches {
		if err := s.Write(t.Context(), b); err != nil {
			t.Fatalf("write batch %d (%d events): %v", i, len(b), err)
		}
	}
	return s
}

func mustFlow(t *testing.T, s store.Store, flowID string) []event.Event {
	t.Helper()
	got, err := s.Flow(t.Context(), flowID)
	if err != nil {
		t.Fatalf("Flow(%q): %v", flowID, err)
	}
	return got
}

func mustFlows(t *testing.T, s store.Store, q store.FlowQuery) store.FlowPage {
	t.Helper()
	p, err := s.Flows(t.Context(), q)
	if err != nil {
		t.Fatalf("Flows(%+v): %v", q, err)
	}
	return p
}

func mustStats(t *testing.T, s store.Store) store.Stats {
	t.Helper()
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

// summaryOf returns the summary of flowID from an unfiltered listing.
func summaryOf(t *testing.T, s store.Store, flowID string) store.FlowSummary {
	t.Helper()
	p := mustFlows(t, s, store.FlowQuery{Limit: store.MaxLimit})
	for _, f := range p.Flows {
		if f.CorrelationID == flowID {
			return f
		}
	}
	t.Fatalf("flow %q not in Flows listing of %d flows", flowID, len(p.Flows))
	return store.FlowSummary{}
}

// flowIDs returns the correlation IDs of a page, in order.
func flowIDs(p store.FlowPage) []string {
	out := make([]string, len(p.Flows))
	for i, f := range p.Flows {
		out[i] = f.CorrelationID
	}
	return out
}

func checkNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: err = %v, want store.ErrNotFound", what, err)
	}
}

// ctx is a shorthand for tests that need a plain context.
func ctx(t *testing.T) context.Context { return t.Context() }
