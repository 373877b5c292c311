package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Delivery states.
const (
	stateConsumed = "consumed"
	statePending  = "pending"
)

// deliveryJSON is whether one consumer group has read an event: in
// GET /api/events/{id} as "deliveries".
type deliveryJSON struct {
	Group string `json:"group"`
	State string `json:"state"` // consumed or pending
	// Committed is the group's committed offset on the event's partition
	// now; null when it has none there.
	Committed *int64 `json:"committed_offset"`
	// ConsumedAfter and ConsumedBefore bracket when it was read: the last
	// poll that had not passed it and the first that had (null when
	// unknown: before the history starts).
	ConsumedAfter  *time.Time `json:"consumed_after"`
	ConsumedBefore *time.Time `json:"consumed_before"`
	// Behind is, when pending, how many records of the partition the group
	// has still to read before this one (0 when consumed).
	Behind int64 `json:"behind"`
	// Waiting is, when pending, how long since the record arrived, in
	// seconds.
	Waiting float64 `json:"waiting_seconds,omitempty"`
	// Reset: consumed, but the group's offset was reset below it since:
	// it will read it again.
	Reset bool `json:"reset,omitempty"`
	// Stuck: pending, and the group is stuck on this partition.
	Stuck bool   `json:"stuck,omitempty"`
	URL   string `json:"group_url"`
}

// readers returns, for every group with a committed offset on e's topic,
// its position on e's partition (nil when it has none there).
func readers(snap store.GroupsSnapshot, topic string, partition int32) map[string]*store.PartitionStatus {
	out := map[string]*store.PartitionStatus{}
	for gi := range snap.Groups {
		g := &snap.Groups[gi]
		for i := range g.Partitions {
			p := &g.Partitions[i]
			if p.Topic != topic {
				continue
			}
			if _, ok := out[g.Name]; !ok {
				out[g.Name] = nil
			}
			if p.Partition == partition {
				out[g.Name] = p
			}
		}
	}
	return out
}

// deliveries tells, for every group that reads e's topic, whether it has
// read e. The error string is the "consumer positions unavailable"
// message when there is no poll to answer from.
func (h *handler) deliveries(ctx context.Context, e *event.Event) ([]deliveryJSON, string, error) {
	s := h.groupsState()
	out := []deliveryJSON{}
	if s.snap.At.IsZero() {
		return out, s.err, nil
	}
	rs := readers(s.snap, e.Topic, e.Partition)
	if len(rs) == 0 {
		return out, s.err, nil
	}
	passed := map[string]store.Position{}
	if ps, ok := h.store.(store.Positions); ok {
		rows, err := ps.FirstPassed(ctx, e.Topic, e.Partition, e.Offset)
		if err != nil {
			return nil, "", fmt.Errorf("deliveries of %s: %w", e.Coordinates(), err)
		}
		for _, r := range rows {
			passed[r.Group] = r
		}
	}
	for _, g := range s.snap.Groups {
		p, reads := rs[g.Name]
		if !reads {
			continue
		}
		d := deliveryJSON{Group: g.Name, State: statePending, URL: GroupURL(g.Name)}
		if p != nil {
			d.Committed = &p.Committed
		}
		row, wasRead := passed[g.Name]
		switch {
		case wasRead:
			d.State, d.ConsumedBefore = stateConsumed, timePtr(row.At)
			d.ConsumedAfter = timePtr(row.Prev)
			d.Reset = p != nil && p.Committed <= e.Offset
		case p != nil && p.Committed > e.Offset: // read before the history starts
			d.State = stateConsumed
		case p != nil && p.Reset != nil && p.Reset.From > e.Offset: // read, then reset below it
			d.State, d.Reset = stateConsumed, true
		default:
			if p != nil {
				d.Behind = e.Offset - p.Committed
				d.Stuck = p.Stuck(s.now, s.snap.Interval)
			} else {
				d.Behind = e.Offset + 1 // nothing of the partition committed yet
			}
			d.Waiting = max(secondsOf(s.now.Sub(e.KafkaTime)), 0)
		}
		out = append(out, d)
	}
	return out, s.err, nil
}

// pendingGroups counts the groups that read e's topic and have not read e,
// from the latest poll alone (the flow graph's badges: one query for the
// whole flow).
func pendingGroups(snap store.GroupsSnapshot, e *event.Event) []string {
	var out []string
	for _, g := range snap.Groups {
		for i := range g.Partitions {
			p := &g.Partitions[i]
			if p.Topic == e.Topic && p.Partition == e.Partition && p.Committed <= e.Offset &&
				(p.Reset == nil || p.Reset.From <= e.Offset) {
				out = append(out, g.Name)
				break
			}
		}
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
