package ui

import (
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph/replay"
)

// Values of the replay's future parameter: how events after the current
// step show.
const (
	futureDim  = "dim"
	futureHide = "hide"
)

// replayParams are the replay page's query parameters.
type replayParams struct {
	Order  replay.Order
	Entity string    // entity key path; "" for the Kafka key
	Future string    // futureDim or futureHide
	Step   int       // 1-based; 0 when not given
	At     time.Time // zero when not given
	// From and To are the timeline's window (both zero: the whole flow).
	From, To time.Time
}

// parseReplayParams reads order=time|arrival, entity=<JSON path>,
// future=dim|hide, step=N (1-based), at=<RFC 3339> and the timeline window
// from=&to= (as on the flow page); bad values are 400s.
func parseReplayParams(c echo.Context) (replayParams, error) {
	p := replayParams{Future: futureDim}
	switch o := c.QueryParam("order"); o {
	case "", "time":
	case "arrival":
		p.Order = replay.ByArrival
	default:
		return p, badRequest("bad order " + strconv.Quote(o) + ": want time or arrival")
	}
	if e := c.QueryParam("entity"); e != "" && e != "key" {
		if _, err := replay.ParsePath(e); err != nil {
			return p, badRequest("bad entity: " + err.Error())
		}
		p.Entity = e
	}
	switch f := c.QueryParam("future"); f {
	case "", futureDim:
	case futureHide:
		p.Future = futureHide
	default:
		return p, badRequest("bad future " + strconv.Quote(f) + ": want dim or hide")
	}
	if err := p.parseWindow(c.QueryParam("from"), c.QueryParam("to")); err != nil {
		return p, err
	}
	step, at := c.QueryParam("step"), c.QueryParam("at")
	if step != "" && at != "" {
		return p, badRequest("give step or at, not both")
	}
	if step != "" {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 {
			return p, badRequest("bad step " + strconv.Quote(step) + ": want a number from 1")
		}
		p.Step = n
	}
	if at != "" {
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return p, badRequest("bad at " + strconv.Quote(at) + ": want an RFC 3339 time")
		}
		p.At = t
	}
	return p, nil
}

// parseWindow reads the timeline window: both times or neither, RFC 3339,
// to after from.
func (p *replayParams) parseWindow(from, to string) error {
	if from == "" && to == "" {
		return nil
	}
	if from == "" || to == "" {
		return badRequest("zoom needs both from and to (RFC 3339 times)")
	}
	var err error
	if p.From, err = time.Parse(time.RFC3339Nano, from); err != nil {
		return badRequest("bad from " + strconv.Quote(from) + ": want an RFC 3339 time")
	}
	if p.To, err = time.Parse(time.RFC3339Nano, to); err != nil {
		return badRequest("bad to " + strconv.Quote(to) + ": want an RFC 3339 time")
	}
	if !p.To.After(p.From) {
		return badRequest("to must be after from")
	}
	return nil
}

// stepIndex picks the 0-based step the parameters name: Step (past the
// end it is the last step: a link kept from before a flow shrank, or typed,
// still lands somewhere with the way back), or the last step whose time in
// the replay's order is not after At, else the first.
func (p replayParams) stepIndex(steps []replay.Step) (int, error) {
	n := len(steps)
	switch {
	case p.Step > n:
		return n - 1, nil
	case p.Step > 0:
		return p.Step - 1, nil
	case !p.At.IsZero():
		k := -1
		for i := range steps {
			if !stepTime(steps[i], p.Order).After(p.At) {
				k = i
			}
		}
		if k < 0 {
			return 0, badRequest("at " + p.At.UTC().Format(time.RFC3339Nano) + " is before the first step")
		}
		return k, nil
	default:
		return 0, nil
	}
}

// stepTime is the time a step is ordered by: event time, or arrival time.
func stepTime(s replay.Step, o replay.Order) time.Time {
	if o == replay.ByArrival {
		return replay.ArrivalTime(s.Event)
	}
	return s.Event.Time
}

// replayStepURL links to step (1-based) of a flow's replay with the
// parameters that differ from the defaults; step 0 leaves it out.
func replayStepURL(flowID string, p replayParams, step int) string {
	q := url.Values{}
	if step > 0 {
		q.Set("step", strconv.Itoa(step))
	}
	if p.Order == replay.ByArrival {
		q.Set("order", p.Order.String())
	}
	if p.Entity != "" {
		q.Set("entity", p.Entity)
	}
	if p.Future == futureHide {
		q.Set("future", futureHide)
	}
	if !p.From.IsZero() && !p.To.IsZero() {
		q.Set("from", fmtRFC3339(p.From))
		q.Set("to", fmtRFC3339(p.To))
	}
	if len(q) == 0 {
		return ReplayURL(flowID)
	}
	return ReplayURL(flowID) + "?" + q.Encode()
}
