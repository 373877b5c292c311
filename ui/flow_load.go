package ui

import (
	"context"
	"fmt"

	"github.com/eventscope/eventscope/graph"
)

// loadFlow reads a flow and analyses it as the flow page, its JSON and its
// exports show it: the causal graph with the consumer groups' word on its
// stalls (explainStalls). Records of internal topics are left out unless
// internal is set; hidden is how many were. store.ErrNotFound (wrapped)
// for an unknown ID.
func (h *handler) loadFlow(ctx context.Context, id string, internal bool) (f *graph.Flow, hidden int, err error) {
	events, err := h.store.Flow(ctx, id)
	if err != nil {
		return nil, 0, fmt.Errorf("flow %q: %w", id, err)
	}
	events, hidden = withoutInternal(events, internal)
	f = graph.Build(events, h.graphOptions())
	if err := h.explainStalls(ctx, f); err != nil {
		return nil, 0, err
	}
	return f, hidden, nil
}
