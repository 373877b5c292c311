package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// The learner reads the learnFlows newest flows first learnFirst after the
// start, then at doubling intervals up to learnEvery.
const (
	learnFlows = 500
	learnFirst = 20 * time.Second
	learnEvery = 5 * time.Minute
)

// learner keeps the baseline (hop latencies, usual follow-ups) learned
// from the stored traffic current in src, which the graph's and the
// stores' diagnose configurations read.
type learner struct {
	st  store.Reader
	cfg *diagnose.Config // classifies the records learned from
	src *diagnose.BaselineSource
	log *slog.Logger
}

// run learns at once, then again and again until ctx is done.
func (l *learner) run(ctx context.Context) {
	wait := learnFirst
	for {
		l.learn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, learnEvery)
	}
}

// learn draws a baseline from the newest flows (internal records left
// out) and publishes it.
func (l *learner) learn(ctx context.Context) {
	page, err := l.st.Flows(ctx, store.FlowQuery{Limit: learnFlows})
	if err != nil {
		l.log.Warn("learn baseline: list flows", "err", err)
		return
	}
	flows := make([][]diagnose.Step, 0, len(page.Flows))
	for _, f := range page.Flows {
		evs, err := l.st.Flow(ctx, f.CorrelationID)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			continue // gone meanwhile (retention)
		}
		steps := make([]diagnose.Step, 0, len(evs))
		for i := range evs {
			if e := &evs[i]; !e.Internal {
				steps = append(steps, diagnose.StepOf(e, l.cfg.Classify(e)))
			}
		}
		flows = append(flows, steps)
	}
	b := diagnose.Learn(flows, diagnose.LearnOptions{})
	l.src.Set(b)
	l.log.Debug("learned baseline", "flows", b.Flows, "hops", len(b.Hops), "rules", len(b.Rules))
}
