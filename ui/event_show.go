package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// eventShow renders one event with links to its cause and effects.
func (h *handler) eventShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	rel, err := h.loadEvent(c.Request().Context(), id)
	if err != nil {
		return err
	}
	e := &rel.records[0]
	var cause *eventLinkView
	if len(rel.causes) > 0 {
		l := eventLinker(&rel.causes[0])
		cause = &l
	}
	effects := make([]eventLinkView, 0, len(rel.effects))
	for i := range rel.effects {
		effects = append(effects, eventLinker(&rel.effects[i]))
	}
	dups := make([]string, 0, len(rel.records)-1)
	for i := range rel.records[1:] {
		dups = append(dups, rel.records[i+1].Coordinates())
	}
	v := detailFor(e, cause, effects, dups)
	if i := recordIndex(rel.flow, e); i >= 0 {
		v.Diff = buildDiff(rel.flow, i, eventLinker)
	}
	return render(c, http.StatusOK, eventPage(pageMeta{Title: "Event " + label(e)}, v))
}

// related is an event's records with its causes and effects.
type related struct {
	records []event.Event // every record with the ID; never empty
	causes  []event.Event // records of the causing event; empty for a root or an unseen cause
	effects []event.Event // events of the same flow caused by this one
	flow    []event.Event // the whole flow, in store order
}

// loadEvent finds the records with event ID id, the records of its cause
// and the events of its flow that it caused. store.ErrNotFound (wrapped)
// when no record has the ID.
func (h *handler) loadEvent(ctx context.Context, id string) (related, error) {
	var rel related
	recs, err := h.store.EventsByID(ctx, id)
	if err != nil {
		return rel, fmt.Errorf("event %q: %w", id, err)
	}
	if len(recs) == 0 { // a store breaking its contract; treat as unknown
		return rel, fmt.Errorf("event %q: %w", id, store.ErrNotFound)
	}
	rel.records = recs
	e := &recs[0]
	if e.CausationID != "" && e.CausationID != e.EventID {
		causes, err := h.store.EventsByID(ctx, e.CausationID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return rel, fmt.Errorf("cause %q of event %q: %w", e.CausationID, id, err)
		}
		rel.causes = causes
	}
	flow, err := h.store.Flow(ctx, e.FlowID())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rel, fmt.Errorf("flow %q of event %q: %w", e.FlowID(), id, err)
	}
	rel.flow = flow
	for _, f := range flow {
		if f.CausationID == id && f.EventID != id {
			rel.effects = append(rel.effects, f)
		}
	}
	return rel, nil
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
