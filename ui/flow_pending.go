package ui

import (
	"context"
	"strconv"
	"strings"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// markPending badges every event box of the graph whose event some
// consumer group reading its topic has not read yet ("2 groups have not
// read this"), from the latest poll alone. Nothing when polling is off.
func (h *handler) markPending(g *graphView, f *graph.Flow) {
	if h.positions == nil {
		return
	}
	snap := h.positions()
	if len(snap.Groups) == 0 {
		return
	}
	first := map[string]*event.Event{}
	for i := range f.Events {
		if _, ok := first[f.Events[i].EventID]; !ok {
			first[f.Events[i].EventID] = &f.Events[i]
		}
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		e := first[n.EventID]
		if n.EventID == "" || e == nil {
			continue
		}
		names := pendingGroups(snap, e)
		if len(names) == 0 {
			continue
		}
		n.Pending = len(names)
		n.PendingTitle = pendingText(names)
		n.Title += "\n" + n.PendingTitle
		x, _ := strconv.ParseFloat(n.X, 64)
		w, _ := strconv.ParseFloat(n.W, 64)
		y, _ := strconv.ParseFloat(n.Y, 64)
		n.BadgeX, n.BadgeY = num(x+w-4), num(y+4)
	}
}

// pendingText is the badge's words: "2 groups have not read this: a, b".
func pendingText(names []string) string {
	return plural(len(names), "group") + " " + agree(len(names), "has", "have") + " not read this: " + strings.Join(names, ", ")
}

// addDeliveries puts the "read by" table of the selected event in the
// flow page's detail panel; nothing when positions are not polled.
func (h *handler) addDeliveries(ctx context.Context, d *eventDetailView, f *graph.Flow, sel int) error {
	if h.positions == nil || sel < 0 || sel >= len(f.Events) {
		return nil
	}
	ds, dErr, err := h.deliveries(ctx, &f.Events[sel])
	if err != nil {
		return err
	}
	dv := deliveriesViewOf(ds, dErr)
	d.Deliveries = &dv
	return nil
}
