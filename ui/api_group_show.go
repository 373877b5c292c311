package ui

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// groupDetailJSON is the body of GET /api/groups/{name}.
type groupDetailJSON struct {
	groupJSON
	// Trend is the lag over the last hour, from the stored history (empty
	// when the store keeps none).
	Trend []trendPoint `json:"trend"`
	AsOf  string       `json:"as_of"`
	// PollSeconds is the poll interval: positions are at most that old.
	PollSeconds float64 `json:"poll_interval_seconds"`
	Error       string  `json:"error,omitempty"` // as in groupsJSON
}

// apiGroupShow is GET /api/groups/{name}: the group, its partitions and
// its lag trend. 404 for a group the latest poll did not see; when the
// positions are unavailable and no poll ever succeeded, 200 with the error.
func (h *handler) apiGroupShow(c echo.Context) error {
	name, err := idParam(c)
	if err != nil {
		return err
	}
	d, err := h.groupDetail(c.Request().Context(), name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (h *handler) groupDetail(ctx context.Context, name string) (groupDetailJSON, error) {
	s := h.groupsState()
	d := groupDetailJSON{AsOf: asOf(s.snap.At), PollSeconds: s.snap.Interval.Seconds(), Error: s.err, Trend: []trendPoint{}}
	g, ok := s.snap.Group(name)
	if !ok && s.snap.At.IsZero() {
		d.groupJSON = groupJSON{Name: name, Topics: []string{}, URL: GroupURL(name), Partitions: []partitionJSON{}}
		return d, nil
	}
	if !ok {
		return d, errNoGroup(name)
	}
	gj, err := h.groupOf(ctx, s, g, true)
	if err != nil {
		return d, err
	}
	if gj.Partitions == nil {
		gj.Partitions = []partitionJSON{}
	}
	d.groupJSON = gj
	if ps, ok := h.store.(store.Positions); ok {
		from := s.now.Add(-trendWindow)
		rows, err := ps.PositionHistory(ctx, name, from, s.now.Add(time.Nanosecond))
		if err != nil {
			return d, fmt.Errorf("lag trend of %s: %w", name, err)
		}
		d.Trend = lagTrend(rows, from, s.now)
	}
	return d, nil
}
