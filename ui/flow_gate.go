package ui

import (
	"context"
	"fmt"
	"time"
)

// acquire takes one of the big-flow slots, waiting at most b.wait
// (errFlowBusy, a 503 with Retry-After, when none frees).
func (b *flowBuilds) acquire(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case b.slots <- struct{}{}:
		return func() { <-b.slots }, nil
	case <-t.C:
		return nil, errFlowBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("wait to build a large flow: %w", ctx.Err())
	}
}

// withFlowSlot runs work, which reads flow id whole and builds on it, in
// one of the big-flow slots when the flow has more than BigFlowEvents
// events, like loadFlow: the pages that read a whole flow without sharing
// its cached graph (replay, the event page) are bounded the same way.
func (h *handler) withFlowSlot(ctx context.Context, id string, work func() error) error {
	v, known, err := h.flowVersion(ctx, id)
	if err != nil {
		return err
	}
	if !known || v.count <= h.builds.big {
		return work()
	}
	release, err := h.builds.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	return work()
}
