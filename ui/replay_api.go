package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/replay"
)

// replayJSON is the body of GET /api/flows/{correlation_id}/replay:
// DESIGN.md's {"steps":[{"event_id","time","state"}]} plus additive fields.
type replayJSON struct {
	CorrelationID string           `json:"correlation_id"`
	Order         string           `json:"order"`      // time or arrival
	EntityKey     string           `json:"entity_key"` // "" for the Kafka key
	OrdersDiffer  bool             `json:"orders_differ"`
	Steps         []replayStepJSON `json:"steps"`
}

// replayStepJSON is one step: the event, every entity's state after it,
// what it changed, and the anomalies visible by then.
type replayStepJSON struct {
	EventID string                    `json:"event_id"`
	Time    time.Time                 `json:"time"`
	State   map[string]map[string]any `json:"state"`

	Index        int             `json:"index"` // 0-based; the page's ?step= is index+1
	Type         string          `json:"type"`
	Coordinates  string          `json:"coordinates"`
	ArrivalTime  time.Time       `json:"arrival_time"`
	TimeIndex    int             `json:"time_index"`
	ArrivalIndex int             `json:"arrival_index"`
	Moved        bool            `json:"moved"`
	Entity       string          `json:"entity"`
	Changed      []string        `json:"changed"` // paths added or changed
	Removed      []string        `json:"removed"` // paths removed
	Changes      []replay.Change `json:"changes"`
	Skipped      bool            `json:"skipped"`
	Note         string          `json:"note,omitempty"`
	// Anomalies are those visible by this step; NewAnomalies appeared at
	// it, ResolvedAnomalies stopped being visible at it.
	Anomalies         []graph.Anomaly `json:"anomalies"`
	NewAnomalies      []graph.Anomaly `json:"new_anomalies"`
	ResolvedAnomalies []graph.Anomaly `json:"resolved_anomalies"`
}

// apiReplayShow is GET /api/flows/{correlation_id}/replay?order=&entity=&state=.
// Each step's "state" holds every entity seen so far (state=all, the
// default), only the step's entity (state=entity), or nothing (state=none):
// for a flow of many entities the full form repeats them all on every step.
func (h *handler) apiReplayShow(c echo.Context, id string) error {
	p, err := parseReplayParams(c)
	if err != nil {
		return err
	}
	stateMode := c.QueryParam("state")
	switch stateMode {
	case "", "all", "entity", "none":
	default:
		return badRequest("bad state " + strconv.Quote(stateMode) + ": want all, entity or none")
	}
	_, steps, err := h.replaySteps(c, id, p)
	if err != nil {
		return err
	}
	body := replayJSON{CorrelationID: id, Order: p.Order.String(), EntityKey: p.Entity,
		OrdersDiffer: replay.OrdersDiffer(steps), Steps: make([]replayStepJSON, len(steps))}
	visible := replay.VisibleAll(steps)
	state := map[string]map[string]any{}
	for k := range steps {
		s := &steps[k]
		if s.State != nil { // a new map per change: earlier steps keep theirs
			next := make(map[string]map[string]any, len(state)+1)
			for e, st := range state {
				next[e] = st
			}
			next[s.Entity] = s.State
			state = next
		}
		js := replayStepJSON{
			EventID: s.Event.EventID, Time: s.Event.Time.UTC(), State: stepState(stateMode, state, s),
			Index: k, Type: s.Event.Type, Coordinates: s.Event.Coordinates(),
			ArrivalTime: replay.ArrivalTime(s.Event).UTC(), TimeIndex: s.TimeIndex, ArrivalIndex: s.ArrivalIndex,
			Moved: s.Moved, Entity: s.Entity, Changed: []string{}, Removed: []string{}, Changes: s.Changes,
			Skipped: s.Skipped, Note: s.Note,
			Anomalies: nonNilAnomalies(visible[k]), NewAnomalies: nonNilAnomalies(s.Appeared),
			ResolvedAnomalies: nonNilAnomalies(s.Resolved),
		}
		if js.Changes == nil {
			js.Changes = []replay.Change{}
		}
		for _, ch := range s.Changes {
			if ch.Op == replay.Removed {
				js.Removed = append(js.Removed, ch.Path)
			} else {
				js.Changed = append(js.Changed, ch.Path)
			}
		}
		body.Steps[k] = js
	}
	return c.JSON(http.StatusOK, body)
}

// stepState is the "state" of one step for the state parameter.
func stepState(mode string, all map[string]map[string]any, s *replay.Step) map[string]map[string]any {
	switch {
	case mode == "none":
		return map[string]map[string]any{}
	case mode == "entity" && s.State != nil:
		return map[string]map[string]any{s.Entity: s.State}
	case mode == "entity":
		return map[string]map[string]any{}
	default:
		return all
	}
}

func nonNilAnomalies(as []graph.Anomaly) []graph.Anomaly {
	if as == nil {
		return []graph.Anomaly{}
	}
	for i := range as {
		if as[i].EventIDs == nil {
			as[i].EventIDs = []string{}
		}
	}
	return as
}
