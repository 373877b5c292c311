package ui

import (
	"context"
	"fmt"

	"github.com/eventscope/eventscope/graph"
)

// loadFlow reads a flow and analyses it as the flow page, its JSON and its
// exports show it: the causal graph with the consumer groups' word on its
// stalls (explainStalls). store.ErrNotFound (wrapped) for an unknown ID.
func (h *handler) loadFlow(ctx context.Context, id string) (*graph.Flow, error) {
	events, err := h.store.Flow(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w", id, err)
	}
	f := graph.Build(events, h.graphOptions())
	if err := h.explainStalls(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}
