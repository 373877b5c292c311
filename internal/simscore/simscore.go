// Package simscore scores the diagnose engine on the demo's own traffic:
// the simulated pizza shop (sim) runs against its embedded broker with the
// demo's fault mix and labels every fault it injects (sim.Truth); the
// records go through ingest, the default decoder and the embedded sqlite
// store as in `tracer demo`; every flow read back from the store is
// labelled with what the engine must find in it (Expect) and judged by
// diagnose/quality with a baseline learned from the same traffic.
package simscore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/diagnose/quality"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/ingest"
	"github.com/eventscope/eventscope/sim"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// Options size a run.
type Options struct {
	Orders int        // flows to start
	Rate   float64    // orders per second
	Seed   int64      // the shop's seed (order IDs and fault decisions)
	Faults sim.Faults // zero: sim.DefaultFaults()
	// Quiet: the run ends once the shop placed every order and nothing
	// new was stored for this long (default 8 s: longer than any delay
	// the shop waits before a step, 6 s for a slow boxing).
	Quiet time.Duration
	// Timeout bounds the whole run (default 5 min).
	Timeout time.Duration
}

// Result is a run's labelled flows, read back from the store.
type Result struct {
	Flows    []quality.Flow
	Records  int       // records stored
	Extra    []string  // flows in the store the shop never started (split flows)
	Now      time.Time // when the flows are judged: an hour after the last record
	Baseline *diagnose.Baseline
}

// Run runs the shop for o.Orders orders and returns the flows it made,
// each labelled with Expect.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Faults == (sim.Faults{}) {
		o.Faults = sim.DefaultFaults()
	}
	o.Quiet = cmp.Or(o.Quiet, 8*time.Second)
	o.Timeout = cmp.Or(o.Timeout, 5*time.Minute)
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	broker, err := sim.StartBroker("127.0.0.1:0", sim.TopicPartitions, sim.Topics()...)
	if err != nil {
		return nil, fmt.Errorf("start broker: %w", err)
	}
	defer broker.Close()
	st, err := sqlite.OpenDSN(ctx, sqlite.MemoryDSN, nil)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	log := slog.New(slog.DiscardHandler)
	ing, err := ingest.New(ingest.Config{Brokers: broker.Addrs(), GroupID: "simscore", FromBeginning: true},
		st, event.NewDecoder(event.Config{}), log, prometheus.NewRegistry())
	if err != nil {
		return nil, fmt.Errorf("set up ingest: %w", err)
	}
	truth := sim.NewTruth()
	ictx, stopIngest := context.WithCancel(ctx)
	ingDone := make(chan error, 1)
	go func() { ingDone <- ing.Run(ictx) }()
	sctx, stopShop := context.WithCancel(ctx)
	shopDone := make(chan error, 1)
	go func() {
		shopDone <- sim.Run(sctx, sim.Config{Brokers: broker.Addrs(), Rate: o.Rate, Faults: o.Faults, Seed: o.Seed,
			MixedConventions: true, MaxOrders: o.Orders, Truth: truth})
	}()
	err = settle(ctx, ing, truth, o)
	stopShop()
	if serr := <-shopDone; err == nil && serr != nil && !errors.Is(serr, context.Canceled) {
		err = fmt.Errorf("shop: %w", serr)
	}
	stopIngest()
	if ierr := <-ingDone; err == nil && ierr != nil && !errors.Is(ierr, context.Canceled) {
		err = fmt.Errorf("ingest: %w", ierr)
	}
	if err != nil {
		return nil, err
	}
	return readBack(context.WithoutCancel(ctx), st, truth)
}

// settle waits until every order was placed and the store has been quiet
// for o.Quiet.
func settle(ctx context.Context, ing *ingest.Ingester, truth *sim.Truth, o Options) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last, since := int64(-1), time.Now()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d orders placed, %d records stored: %w",
				len(truth.Flows()), o.Orders, last, ctx.Err())
		case <-tick.C:
		}
		n := ing.Stats().Stored
		if n != last {
			last, since = n, time.Now()
			continue
		}
		if len(truth.Flows()) >= o.Orders && time.Since(since) >= o.Quiet {
			return nil
		}
	}
}

// readBack reads every flow from the store and labels it.
func readBack(ctx context.Context, st store.Store, truth *sim.Truth) (*Result, error) {
	res := &Result{}
	started := map[string]bool{}
	cfg := diagnose.Default()
	var last time.Time
	for _, id := range truth.Flows() {
		started[id] = true
		evs, err := st.Flow(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read flow %s: %w", id, err)
		}
		var kept []event.Event
		for _, e := range evs {
			if !e.Internal {
				kept = append(kept, e)
				if e.Time.After(last) {
					last = e.Time
				}
			}
		}
		res.Records += len(kept)
		shape, kinds, status := Expect(truth.Faults(id))
		res.Flows = append(res.Flows, quality.Flow{Shape: shape, Steps: cfg.Steps(kept), Kinds: kinds, Status: status})
	}
	page, err := st.Flows(ctx, store.FlowQuery{Limit: store.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("list flows: %w", err)
	}
	for _, f := range page.Flows {
		if !started[f.CorrelationID] {
			res.Extra = append(res.Extra, f.CorrelationID)
		}
	}
	res.Now = last.Add(time.Hour)
	res.Baseline = quality.Learn(res.Flows)
	res.Flows = append(res.Flows, inProgress(res.Flows, res.Now)...)
	return res, nil
}

// Expect returns what the engine must find in a flow the shop injected
// faults into: a shape name (the faults joined by "+", or "healthy"), the
// anomaly kinds and the status. Every fault shows as its kind
// (payment_failure, failed_compensation and branch_failure as failure,
// stall as stalled, lost_dead_letter as dead_letter), but no_compensation
// (its failure is payment_failure's) and late_delivery (late, not lost: no
// anomaly). The status: failed when a failed payment was not compensated,
// its compensation failed, the kitchen branch failed or a dead letter was
// never retried,
// else compensated when the payment failed (the order is cancelled), else
// stalled when the kitchen stalled, else recovered when the payment was
// dead-lettered (the retry succeeds), else ok.
func Expect(faults []sim.Fault) (shape string, kinds map[string]bool, status string) {
	kinds = map[string]bool{}
	var names []string
	for _, f := range faults {
		names = append(names, f.Kind)
		switch f.Kind {
		case sim.FaultPaymentFailure, sim.FaultFailedCompensation, sim.FaultBranchFailure:
			kinds[diagnose.Failure] = true
		case sim.FaultStall:
			kinds[diagnose.Stalled] = true
		case sim.FaultLostDeadLetter:
			kinds[diagnose.DeadLetter] = true
		case sim.FaultNoCompensation, sim.FaultLateDelivery:
			// the failure is payment_failure's; a late step is no anomaly
		default:
			kinds[f.Kind] = true // the other faults are named as the kinds
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	shape = cmp.Or(strings.Join(names, "+"), "healthy")
	has := func(k string) bool { return slices.Contains(names, k) }
	switch {
	case has(sim.FaultNoCompensation), has(sim.FaultLostDeadLetter), has(sim.FaultFailedCompensation), has(sim.FaultBranchFailure):
		status = diagnose.StatusFailed
	case has(sim.FaultPaymentFailure):
		status = diagnose.StatusCompensated
	case has(sim.FaultStall):
		status = diagnose.StatusStalled
	case has(sim.FaultDeadLetter):
		status = diagnose.StatusRecovered
	default:
		status = diagnose.StatusOK
	}
	return shape, kinds, status
}

// ForConfig returns the flows labelled for configuration name (of
// Configs). The demo's explicit stall rules hold a placed order to being
// prepared or cancelled and an authorized payment to a delivery or refund,
// so under "demo" a flow whose kitchen branch failed (nobody cancels) is
// also stalled; the learned baseline holds it to what such flows usually
// do (nothing more). The demo's rules end at OutForDelivery and replace
// the learned expectation of OrderPlaced, so an in-progress flow cut
// after OutForDelivery awaits nothing under them (it is judged ok): such
// flows are left out of the demo's score (the learned one has them).
func ForConfig(name string, flows []quality.Flow) []quality.Flow {
	if name != "demo" {
		return flows
	}
	var out []quality.Flow
	for _, f := range flows {
		if f.Shape == "in_progress" && afterDemoRules(f.Steps) {
			continue
		}
		if slices.Contains(strings.Split(f.Shape, "+"), sim.FaultBranchFailure) {
			f.Kinds = maps.Clone(f.Kinds)
			f.Kinds[diagnose.Stalled] = true
		}
		out = append(out, f)
	}
	return out
}

// afterDemoRules reports whether steps reached OutForDelivery, the last
// step the demo's stall rules expect.
func afterDemoRules(steps []diagnose.Step) bool {
	return slices.ContainsFunc(steps, func(s diagnose.Step) bool { return s.Type == sim.TypeOutForDelivery })
}

// Configs are the two configurations scored: "demo" (the demo's explicit
// stall rules plus the learned baseline, as `tracer demo` runs) and
// "learned" (the learned baseline alone, as `tracer serve` runs with no
// stall rules configured).
func Configs(b *diagnose.Baseline) map[string]*diagnose.Config {
	demo, learned := diagnose.Default(), diagnose.Default()
	demo.Rules = graph.DemoStallRules()
	demo.Baseline, learned.Baseline = b, b
	return map[string]*diagnose.Config{"demo": &demo, "learned": &learned}
}
