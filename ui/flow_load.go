package ui

import (
	"context"
	"errors"
	"fmt"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// loadFlow reads a flow and analyses it as the flow page, its JSON and its
// exports show it: the causal graph with the consumer groups' word on its
// stalls (explainStalls). Records of internal topics are left out unless
// internal is set; hidden is how many were. store.ErrNotFound (wrapped)
// for an unknown ID.
//
// A flow of more than BigFlowEvents events goes through h.builds: its
// graph is shared from a bounded cache, and at most BigFlowBuilds such
// flows are read and built at once (errFlowBusy, a 503, after a wait).
func (h *handler) loadFlow(ctx context.Context, id string, internal bool) (*graph.Flow, int, error) {
	v, known, err := h.flowVersion(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if !known || v.count <= h.builds.big {
		// Unknown: the search lists every stored flow, so this one is
		// missing (store.ErrNotFound) or was written a moment ago.
		return h.readFlow(ctx, id, internal)
	}
	key := fmt.Sprintf("%t/%s", internal, id)
	return h.builds.loadBig(ctx, key, v, func() (*graph.Flow, int, error) { return h.readFlow(ctx, id, internal) })
}

// readFlow is loadFlow without the big-flow limits.
func (h *handler) readFlow(ctx context.Context, id string, internal bool) (f *graph.Flow, hidden int, err error) {
	events, err := h.store.Flow(ctx, id)
	if err != nil {
		return nil, 0, flowReadError(id, err)
	}
	events, hidden = withoutInternal(events, internal)
	f = graph.Build(events, h.graphOptions())
	if err := h.explainStalls(ctx, f); err != nil {
		return nil, 0, err
	}
	return f, hidden, nil
}

// flowReadError wraps the store's error reading flow id once: a store
// names the flow in its own not-found error already (`flow "x": not
// found`), so that one becomes ours instead of `flow "x": flow "x": ...`.
func flowReadError(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("flow %q: %w", id, store.ErrNotFound)
	}
	return fmt.Errorf("read flow %q: %w", id, err)
}
