package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// maxStateCells bounds the entity states a state=all answer repeats (the
// sum over steps of the entities seen so far): about 360 bytes each, so
// 250k is a ~90 MB answer. Beyond it the API asks for state=entity.
const maxStateCells = 250_000

// apiReplayShow is GET /api/flows/{correlation_id}/replay?order=&entity=&state=.
// Each step's "state" holds every entity seen so far (state=all, the
// default), only the step's entity (state=entity), or nothing (state=none):
// for a flow of many entities the full form repeats them all on every step,
// so it is refused (400) beyond maxStateCells. The steps are written as
// they are made, so memory stays that of one step.
func (h *handler) apiReplayShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
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
	if n := stateCells(steps); (stateMode == "" || stateMode == "all") && n > maxStateCells {
		return badRequest(fmt.Sprintf("this replay would repeat %d entity states (%s); "+
			"ask for state=entity (each step's own entity) or state=none", n, plural(len(steps), "step")))
	}
	head, err := json.Marshal(replayJSON{CorrelationID: id, Order: p.Order.String(), EntityKey: p.Entity,
		OrdersDiffer: replay.OrdersDiffer(steps), Steps: []replayStepJSON{}})
	if err != nil {
		return fmt.Errorf("encode replay of %q: %w", id, err)
	}
	if !bytes.HasSuffix(head, []byte(`"steps":[]}`)) {
		return fmt.Errorf("encode replay of %q: steps must be the last member", id)
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	w.Write(head[:len(head)-2]) // without the closing "]}"
	state := map[string]map[string]any{}
	for k, visible := range replay.VisibleEach(steps) {
		s := &steps[k]
		if s.State != nil {
			state[s.Entity] = s.State
		}
		b, err := json.Marshal(stepJSON(s, stepState(stateMode, state, s), visible))
		if err != nil {
			return fmt.Errorf("encode step %d of %q: %w", k, id, err)
		}
		if k > 0 {
			w.Write([]byte{','})
		}
		if _, err := w.Write(b); err != nil {
			return nil // the client went away
		}
	}
	_, _ = w.Write([]byte("]}\n"))
	return nil
}

// stateCells is how many entity states state=all repeats over the steps.
func stateCells(steps []replay.Step) int {
	seen := map[string]bool{}
	n := 0
	for k := range steps {
		if steps[k].State != nil {
			seen[steps[k].Entity] = true
		}
		n += len(seen)
	}
	return n
}

// stepJSON is one step of the API's answer.
func stepJSON(s *replay.Step, state map[string]map[string]any, visible []graph.Anomaly) replayStepJSON {
	js := replayStepJSON{
		EventID: s.Event.EventID, Time: s.Event.Time.UTC(), State: state,
		Index: s.Index, Type: s.Event.Type, Coordinates: s.Event.Coordinates(),
		ArrivalTime: replay.ArrivalTime(s.Event).UTC(), TimeIndex: s.TimeIndex, ArrivalIndex: s.ArrivalIndex,
		Moved: s.Moved, Entity: s.Entity, Changed: []string{}, Removed: []string{}, Changes: s.Changes,
		Skipped: s.Skipped, Note: s.Note,
		Anomalies: nonNilAnomalies(visible), NewAnomalies: nonNilAnomalies(s.Appeared),
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
	return js
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
