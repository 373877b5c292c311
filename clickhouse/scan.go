package clickhouse

import (
	"context"
	"errors"
	"time"

	"github.com/eventscope/eventscope/store"
)

// A search that looks into payloads (store.SearchesPayloads) may have to
// look at every flow of its window: a value no flow has, a negated term
// every flow meets, a text scan on a server without skip indexes. Such a
// search has a time budget (Store.scanBudget, a third of the query
// timeout): past it, it answers with the matches found so far and says
// the scan was cut (store.FlowPage.ScanCut), with a cursor that goes on
// from where it stopped when it got anywhere, the way an Elasticsearch
// search with a timeout returns its partial hits with "timed_out": true.
// It never runs into the request's deadline (a 5xx for the user).

// scan is the budget of one search, carried in its context.
type scan struct {
	until time.Time
	now   func() time.Time
	// deadline bounds each query of the search (zero: none, when a test
	// sets the clock: its time is not the queries').
	deadline time.Time
	// cut is set when the search stopped at its budget; at is the last
	// flow looked at then (nil: none, the scan made no progress).
	cut bool
	at  *store.Cursor
}

type scanKey struct{}

// withScan gives ctx a budget for q when q looks into payloads.
func (s *Store) withScan(ctx context.Context, q store.FlowQuery) (context.Context, *scan) {
	if !store.SearchesPayloads(q) {
		return ctx, nil
	}
	sc := &scan{now: s.now}
	if sc.now == nil {
		sc.now = time.Now
		sc.deadline = time.Now().Add(s.scanBudget())
	}
	sc.until = sc.now().Add(s.scanBudget())
	return context.WithValue(ctx, scanKey{}, sc), sc
}

// scanBudget is the time a payload search may take (a third of the query
// timeout, 10 s by default; Store.budget when set, for tests).
func (s *Store) scanBudget() time.Duration {
	if s.budget != 0 {
		return s.budget
	}
	return s.queryTimeout / 3
}

func scanOf(ctx context.Context) *scan {
	sc, _ := ctx.Value(scanKey{}).(*scan)
	return sc
}

// over reports whether the search of ctx has spent its budget (or was cut
// already).
func over(ctx context.Context) bool {
	sc := scanOf(ctx)
	return sc != nil && (sc.cut || !sc.now().Before(sc.until))
}

// bounded is ctx with the search's budget as its deadline, for one query.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	sc := scanOf(ctx)
	if sc == nil || sc.deadline.IsZero() {
		return ctx, func() {}
	}
	return context.WithDeadline(ctx, sc.deadline)
}

// cutAt records that the search of ctx stopped at its budget after
// looking at the flows up to at (nil: none), and reports whether err, the
// error of a query run with qctx (from bounded), is that stop: the
// budget's deadline passed, not the caller's. Then the search answers
// with what it has. A nil err is a stop between queries.
func cutAt(ctx, qctx context.Context, err error, at *store.Cursor) bool {
	sc := scanOf(ctx)
	if sc == nil || ctx.Err() != nil || err != nil && !errors.Is(qctx.Err(), context.DeadlineExceeded) &&
		(sc.deadline.IsZero() || time.Now().Before(sc.deadline)) {
		// (clickhouse-go sets the connection's deadline from qctx's: its
		// i/o timeout may come before qctx's own timer has fired)
		return false
	}
	sc.cut = true
	if at != nil {
		sc.at = at
	}
	return true
}

// cut reports whether the search of ctx was cut short.
func cut(ctx context.Context) bool {
	sc := scanOf(ctx)
	return sc != nil && sc.cut
}
