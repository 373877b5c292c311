package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func runStats(t *testing.T, o Opener) {
	g := NewGen(Base)
	a := g.Chain("orders", "c1", 3, 0, time.Second)
	b := g.Chain("payments", "c2", 2, 0, time.Second)
	c := g.Chain("alerts.DLT", "c2", 1, 0, time.Second)
	// c's only event has ID "c2-0", like b's first: a duplicate publication,
	// counted as an event.
	s := o.with(t, append(a, b...), append(c, a...))
	want := store.Stats{Events: 6, Flows: 2, Topics: []store.TopicCount{
		{Topic: "alerts.DLT", Events: 1}, {Topic: "orders", Events: 3}, {Topic: "payments", Events: 2},
	}}
	if d := cmp.Diff(want, mustStats(t, s)); d != "" {
		t.Errorf("Stats differ (-want +got):\n%s", d)
	}
}

func runConcurrency(t *testing.T, o Opener) {
	s := o.fresh(t)
	const writers, batches, flowsPerBatch, perFlow = 3, 8, 10, 5
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			g := NewGen(Base)
			for b := range batches {
				var evs []event.Event
				for f := range flowsPerBatch {
					id := fmt.Sprintf("w%d-b%d-f%d", w, b, f)
					evs = append(evs, g.Chain(fmt.Sprintf("topic-%d", w), id, perFlow, time.Duration(b)*time.Minute, time.Second)...)
				}
				if err := s.Write(ctx(t), evs); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, b, err)
					return
				}
				// A write that returned is visible to the next read.
				id := fmt.Sprintf("w%d-b%d-f%d", w, b, flowsPerBatch-1)
				got, err := s.Flow(ctx(t), id)
				if err != nil || len(got) != perFlow {
					errs <- fmt.Errorf("Flow(%s) right after its write: %d events, %v", id, len(got), err)
					return
				}
			}
		})
	}
	var readers sync.WaitGroup
	for r := range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.Flows(ctx(t), store.FlowQuery{Limit: 20, Terms: []store.Term{{Field: store.FieldType, Value: "Step1"}}}); err != nil {
					errs <- fmt.Errorf("reader %d Flows: %w", r, err)
					return
				}
				if _, err := s.Stats(ctx(t)); err != nil {
					errs <- fmt.Errorf("reader %d Stats: %w", r, err)
					return
				}
				if _, err := s.Resolve(ctx(t), "w0-b0-f0-1"); err != nil && !errors.Is(err, store.ErrNotFound) {
					errs <- fmt.Errorf("reader %d Resolve: %w", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := int64(writers * batches * flowsPerBatch * perFlow)
	if st := mustStats(t, s); st.Events != want || st.Flows != int64(writers*batches*flowsPerBatch) {
		t.Errorf("Stats = %d events %d flows, want %d and %d", st.Events, st.Flows, want, writers*batches*flowsPerBatch)
	}
	all := walk(t, s, store.FlowQuery{Limit: 100}, nil)
	if len(all) != writers*batches*flowsPerBatch {
		t.Errorf("walked %d flows, want %d", len(all), writers*batches*flowsPerBatch)
	}
}
