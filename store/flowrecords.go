package store

import (
	"context"
	"slices"

	"github.com/eventscope/eventscope/event"
)

// FlowPicker is an optional interface a Reader may also implement: some
// records of one flow, read by bounded ranges of the flow's stored order
// instead of the whole flow. The event page uses it to show an event, its
// causes and effects in a flow of any size. The UI finds it with a type
// assertion; a store without it is asked for the whole Flow.
type FlowPicker interface {
	// FlowRecords returns the records of flow flowID that Pick.Matches
	// selects (judged on each record's newest version), in the Flow
	// order; empty (no error) when none.
	FlowRecords(ctx context.Context, flowID string, p Pick) ([]event.Event, error)
}

// Pick selects records of a flow: those with an event ID in IDs, those
// whose causation ID is in CausedBy together with every record that
// shares an event ID with one of them (a caller can then tell derived
// copies, as graph does, from all the records of each ID), and those with
// a Kafka key and type of KeyTypes.
type Pick struct {
	IDs      []string
	CausedBy []string
	KeyTypes []KeyType
}

// KeyType is a Kafka key with an event type.
type KeyType struct{ Key, Type string }

// Matches is the reference of FlowRecords: the records of flow (in the
// Flow order) that p selects.
func (p Pick) Matches(flow []event.Event) []event.Event {
	ids := map[string]bool{}
	for _, id := range p.IDs {
		ids[id] = true
	}
	for i := range flow {
		if slices.Contains(p.CausedBy, flow[i].CausationID) {
			ids[flow[i].EventID] = true
		}
	}
	out := []event.Event{}
	for _, e := range flow {
		if ids[e.EventID] || slices.Contains(p.CausedBy, e.CausationID) ||
			slices.Contains(p.KeyTypes, KeyType{e.Key, e.Type}) {
			out = append(out, e)
		}
	}
	return out
}
