package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// explainStalls adds to every stalled anomaly of f what the consumer
// groups say about its event: who has not read it yet ("waiting on
// billing-service: stopped for 4m12s at billing-requests[0]@1240, 87
// records behind"), or that every reader read it and nothing followed
// ("read by billing-service between 10:42:05 and 10:42:15; no effect
// since"). Nothing is added when positions are not polled.
func (h *handler) explainStalls(ctx context.Context, f *graph.Flow) error {
	if h.positions == nil {
		return nil
	}
	var ids []string
	for _, a := range f.Anomalies {
		if a.Kind == graph.Stalled {
			ids = append(ids, a.EventIDs...)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	notes, err := h.consumerNotes(ctx, f.Events, ids)
	if err != nil {
		return err
	}
	for i := range f.Anomalies {
		a := &f.Anomalies[i]
		if a.Kind != graph.Stalled {
			continue
		}
		for _, id := range a.EventIDs {
			if n := notes[id]; n != "" {
				a.Detail += "; " + n
			}
		}
	}
	return nil
}

// consumerNotes says, for each event ID of ids (its first record in
// events), what the consumer groups reading its topic did with it; IDs
// with nothing to say (no group reads the topic) are left out. It is the
// data a diagnosis can quote.
func (h *handler) consumerNotes(ctx context.Context, events []event.Event, ids []string) (map[string]string, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := map[string]string{}
	for i := range events {
		e := &events[i]
		if !want[e.EventID] {
			continue
		}
		want[e.EventID] = false
		ds, _, err := h.deliveries(ctx, e)
		if err != nil {
			return nil, err
		}
		if n := consumerNote(h.positions(), e, ds, h.now()); n != "" {
			out[e.EventID] = n
		}
	}
	return out, nil
}

// consumerNote is the words for one event's deliveries.
func consumerNote(snap store.GroupsSnapshot, e *event.Event, ds []deliveryJSON, now time.Time) string {
	rs := readers(snap, e.Topic, e.Partition)
	var waiting, read []string
	for _, d := range ds {
		if d.State == stateConsumed {
			if d.ConsumedAfter != nil && d.ConsumedBefore != nil {
				read = append(read, d.Group+" between "+clock(*d.ConsumedAfter)+" and "+clock(*d.ConsumedBefore))
			} else {
				read = append(read, d.Group)
			}
			continue
		}
		p := rs[d.Group]
		switch {
		case p == nil:
			waiting = append(waiting, fmt.Sprintf("waiting on %s: it has committed nothing on %s[%d]", d.Group, e.Topic, e.Partition))
		case d.Stuck:
			waiting = append(waiting, fmt.Sprintf("waiting on %s: stopped for %s at %s[%d]@%d, %s behind",
				d.Group, graph.FormatMS(float64(now.Sub(p.Moved).Milliseconds())), p.Topic, p.Partition, p.Committed, plural(int(p.Behind()), "record")))
		default:
			waiting = append(waiting, fmt.Sprintf("waiting on %s: %s ahead of it, the group moving (at %s[%d]@%d)",
				d.Group, plural(int(d.Behind), "record"), p.Topic, p.Partition, p.Committed))
		}
	}
	switch {
	case len(waiting) > 0:
		return strings.Join(waiting, "; ")
	case len(read) > 0:
		return "read by " + strings.Join(read, ", ") + "; no effect since"
	}
	return ""
}

// clock is a time of day in UTC, to the second.
func clock(t time.Time) string { return t.UTC().Format(time.TimeOnly) }
