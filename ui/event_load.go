package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// related is an event's records with its causes and effects.
type related struct {
	records []event.Event // every record with the ID, those of the chosen flow first; never empty
	flows   []string      // the flows the ID occurs in, in store order; the chosen one first
	causes  []event.Event // records of the causing event; empty for a root or an unseen cause
	effects []event.Event // events of the same flow caused by this one
	// flow is the chosen flow in store order: whole, or (a store with
	// store.FlowPicker) the records around the event (eventNeighbours).
	flow []event.Event
}

// loadEvent finds the records with event ID id, the records of its cause
// and the events of its flow that it caused. One ID may occur in several
// flows (two producers reusing an ID): inFlow picks the flow ("" the
// first record's); the others are listed in related.flows. Records are
// seen as the flow's graph sees them: a derived copy (graph, event.CopyID)
// answers to its copy ID "ID@topic", not to the ID it carries.
// store.ErrNotFound (wrapped) when no record has the ID, or none in inFlow.
func (h *handler) loadEvent(ctx context.Context, id, inFlow string) (related, error) {
	var rel related
	recs, err := h.eventRecords(ctx, id)
	if err != nil {
		return rel, fmt.Errorf("event %q: %w", id, err)
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
	flow, err := h.eventNeighbours(ctx, id, inFlow, chosen)
	if err != nil {
		return rel, err
	}
	rel.flow, _ = withoutInternal(flow, false)
	fl := graph.Build(rel.flow, h.graphOptions())
	var mine []event.Event
	for _, e := range fl.Events {
		if e.EventID == id {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 {
		if recs[0].EventID != id { // "ID@topic" that is no copy in this flow
			return rel, fmt.Errorf("event %q in flow %q: %w", id, inFlow, store.ErrNotFound)
		}
		mine = chosen // e.g. records of internal topics only
	}
	rel.records = append(mine, others...)
	e := &rel.records[0]
	if e.CausationID != "" && e.CausationID != e.EventID {
		for _, c := range fl.Events {
			if c.EventID == e.CausationID {
				rel.causes = append(rel.causes, c)
			}
		}
		if len(rel.causes) == 0 {
			causes, err := h.store.EventsByID(ctx, e.CausationID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return rel, fmt.Errorf("cause %q of event %q: %w", e.CausationID, id, err)
			}
			rel.causes = causes
		}
	}
	for _, f := range fl.Events {
		if f.CausationID == id && f.EventID != id {
			rel.effects = append(rel.effects, f)
		}
	}
	return rel, nil
}

// eventNeighbours reads the records of flow inFlow that the event page of
// id needs. From a store with store.FlowPicker: every record of the
// event's ID and of its causes' IDs, the records it caused with every
// record of their IDs (so the graph tells derived copies as in the whole
// flow), and the records with its key and type (the payload diff's
// previous version); else the whole flow, bounded like the flow page.
func (h *handler) eventNeighbours(ctx context.Context, id, inFlow string, chosen []event.Event) ([]event.Event, error) {
	if fp, ok := h.store.(store.FlowPicker); ok {
		p := store.Pick{IDs: []string{chosen[0].EventID}, CausedBy: []string{id}}
		for _, r := range chosen {
			if c := r.CausationID; c != "" {
				p.IDs = append(p.IDs, c)
				if i := strings.LastIndexByte(c, '@'); i > 0 { // a cause that is a derived copy
					p.IDs = append(p.IDs, c[:i])
				}
			}
			if r.Key != "" && !slices.Contains(p.KeyTypes, store.KeyType{Key: r.Key, Type: r.Type}) {
				p.KeyTypes = append(p.KeyTypes, store.KeyType{Key: r.Key, Type: r.Type})
			}
		}
		flow, err := fp.FlowRecords(ctx, inFlow, p)
		if err != nil {
			return nil, fmt.Errorf("flow %q of event %q: %w", inFlow, id, err)
		}
		return flow, nil
	}
	var flow []event.Event
	err := h.withFlowSlot(ctx, inFlow, func() error { // a big flow is bounded like the flow page
		var err error
		if flow, err = h.store.Flow(ctx, inFlow); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("flow %q of event %q: %w", inFlow, id, err)
		}
		return nil
	})
	return flow, err
}

// eventRecords returns the records with event ID id, or, when none has it
// and id has the form of a copy ID (event.CopyID: "ID@topic"), the records
// of ID on that topic. store.ErrNotFound when none.
func (h *handler) eventRecords(ctx context.Context, id string) ([]event.Event, error) {
	recs, err := h.store.EventsByID(ctx, id)
	if err == nil && len(recs) > 0 {
		return recs, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	i := strings.LastIndexByte(id, '@')
	if i <= 0 {
		return nil, store.ErrNotFound
	}
	all, err := h.store.EventsByID(ctx, id[:i])
	if err != nil {
		return nil, err
	}
	recs = slices.DeleteFunc(all, func(e event.Event) bool { return e.Topic != id[i+1:] })
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return recs, nil
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
