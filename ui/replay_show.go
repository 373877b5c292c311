package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/replay"
	"github.com/eventscope/eventscope/store"
)

// replayShow renders the replay of a flow at the step named by ?step= or
// ?at= (the first step when neither), in ?order=, folding by ?entity=. A
// request from replay.js (HX-Request, HX-Target: replay-frame) gets just
// the frame of that step; an htmx zoom of the timeline (HX-Target:
// flow-timeline) just the timeline.
func (h *handler) replayShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p, err := parseReplayParams(c)
	if err != nil {
		return err
	}
	events, steps, err := h.replaySteps(c, id, p)
	if err != nil {
		return err
	}
	cur, err := p.stepIndex(steps)
	if err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request, HX-Target")
	if isPartial(c, "replay-frame") {
		x := newReplayIndex(id, p, steps)
		return render(c, http.StatusOK, replayFrame(x.frame(cur, x.otherPos(cur))))
	}
	f := graph.Build(events, h.graphOptions())
	if isPartial(c, "flow-timeline") { // a zoom link handled by htmx alone
		return render(c, http.StatusOK, timelineSection(newReplayIndex(id, p, steps).replayTimeline(f, cur)))
	}
	v := buildReplayView(id, steps, cur, p, f)
	return render(c, http.StatusOK, replayPage(pageMeta{Title: "Replay " + id}, v))
}

// replaySteps loads a flow (in store order) and replays it; a big flow
// waits for a big-flow slot (withFlowSlot).
func (h *handler) replaySteps(c echo.Context, id string, p replayParams) (events []event.Event, steps []replay.Step, err error) {
	ctx := c.Request().Context()
	err = h.withFlowSlot(ctx, id, func() error {
		events, err = h.store.Flow(ctx, id)
		if err != nil {
			return flowReadError(id, err)
		}
		events, _ = withoutInternal(events, false) // replay is of the business flow
		if len(events) == 0 {
			return fmt.Errorf("flow %q: %w", id, store.ErrNotFound) // a store breaking its contract
		}
		steps = replay.Steps(events, replay.Options{Order: p.Order, EntityKey: p.Entity, Graph: h.graphOptions()})
		return nil
	})
	return events, steps, err
}
