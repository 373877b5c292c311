package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// related is an event's records with its causes and effects.
type related struct {
	records []event.Event // every record with the ID, those of the chosen flow first; never empty
	flows   []string      // the flows the ID occurs in, in store order; the chosen one first
	causes  []event.Event // records of the causing event; empty for a root or an unseen cause
	effects []event.Event // events of the same flow caused by this one
	flow    []event.Event // the whole chosen flow, in store order
}

// loadEvent finds the records with event ID id, the records of its cause
// and the events of its flow that it caused. One ID may occur in several
// flows (two producers reusing an ID): inFlow picks the flow ("" the
// first record's); the others are listed in related.flows.
// store.ErrNotFound (wrapped) when no record has the ID, or none in inFlow.
func (h *handler) loadEvent(ctx context.Context, id, inFlow string) (related, error) {
	var rel related
	recs, err := h.store.EventsByID(ctx, id)
	if err != nil {
		return rel, fmt.Errorf("event %q: %w", id, err)
	}
	if len(recs) == 0 { // a store breaking its contract; treat as unknown
		return rel, fmt.Errorf("event %q: %w", id, store.ErrNotFound)
	}
	if inFlow == "" {
		inFlow = recs[0].FlowID()
	}
	rel.flows = []string{inFlow}
	var chosen, others []event.Event
	for _, r := range recs {
		if f := r.FlowID(); f == inFlow {
			chosen = append(chosen, r)
		} else {
			others = append(others, r)
			if !slices.Contains(rel.flows, f) {
				rel.flows = append(rel.flows, f)
			}
		}
	}
	if len(chosen) == 0 {
		return rel, fmt.Errorf("event %q in flow %q: %w", id, inFlow, store.ErrNotFound)
	}
	rel.records = append(chosen, others...)
	e := &rel.records[0]
	if e.CausationID != "" && e.CausationID != e.EventID {
		causes, err := h.store.EventsByID(ctx, e.CausationID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return rel, fmt.Errorf("cause %q of event %q: %w", e.CausationID, id, err)
		}
		rel.causes = causes
	}
	flow, err := h.store.Flow(ctx, inFlow)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rel, fmt.Errorf("flow %q of event %q: %w", inFlow, id, err)
	}
	rel.flow = flow
	for _, f := range flow {
		if f.CausationID == id && f.EventID != id {
			rel.effects = append(rel.effects, f)
		}
	}
	return rel, nil
}

// eventFlowChoice is one flow an event ID occurs in, on the event page.
type eventFlowChoice struct {
	FlowID  string
	URL     string // this event's page within that flow
	Current bool
}

// flowChoices lists the flows of rel when there is more than one.
func flowChoices(id string, rel related) []eventFlowChoice {
	if len(rel.flows) < 2 {
		return nil
	}
	out := make([]eventFlowChoice, len(rel.flows))
	for i, f := range rel.flows {
		out[i] = eventFlowChoice{FlowID: f, URL: EventURL(id) + "?flow=" + url.QueryEscape(f), Current: i == 0}
	}
	return out
}

// recordIndex finds record e (by its coordinates) in events; -1 if absent.
func recordIndex(events []event.Event, e *event.Event) int {
	for i := range events {
		if events[i].Topic == e.Topic && events[i].Partition == e.Partition && events[i].Offset == e.Offset {
			return i
		}
	}
	return -1
}
