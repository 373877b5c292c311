package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// The live page's server-rendered part: the latest liveRecent events that
// match, among the events of the last liveRecentWindow.
const (
	liveRecent       = 50
	liveRecentWindow = time.Hour
	liveRecentScan   = 5000
)

// liveView is the live tail page.
type liveView struct {
	Query      string
	Error      *queryErrorView
	Available  bool   // the server has a live hub
	StreamURL  string // the SSE endpoint for the query
	RefreshURL string
	Recent     []liveRowView
	NoRecent   bool // the store cannot list recent events
	Ignored    bool // the filter has anomaly terms, which one event cannot show
	ScriptURL  string
}

// liveRowView is one event line.
type liveRowView struct {
	Time, TimeISO, Type, Source, Topic string
	EventID, FlowID, URL, FlowURL      string
	time                               time.Time
}

func liveRow(e *event.Event) liveRowView {
	return liveRowView{Time: fmtTime(e.Time), TimeISO: fmtRFC3339(e.Time), Type: label(e), Source: e.Source,
		Topic: e.Topic, EventID: e.EventID, FlowID: e.FlowID(), URL: FlowEventURL(e.FlowID(), e.EventID),
		FlowURL: FlowURL(e.FlowID()), time: e.Time}
}

// liveShow is the live tail page. Without JavaScript it lists the latest
// matching events with a refresh link; static/live.js then streams new
// ones from /api/live above them, with a pause button.
func (h *handler) liveShow(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	m := pageMeta{Title: "Live", Active: "/live"}
	v := liveView{Query: q, Available: h.live != nil, ScriptURL: liveScript(),
		StreamURL: "/api/live?q=" + url.QueryEscape(q), RefreshURL: "/live?q=" + url.QueryEscape(q)}
	fq, err := parseSearch(q, h.now())
	if qe := queryErrorOf(q, err); qe != nil {
		v.Error = qe
		return render(c, http.StatusBadRequest, livePage(m, v))
	}
	if err != nil {
		return err
	}
	for _, t := range fq.Terms {
		v.Ignored = v.Ignored || t.Field == store.FieldAnomaly
	}
	ins, ok := h.store.(store.Insights)
	if !ok {
		v.NoRecent = true
		return render(c, http.StatusOK, livePage(m, v))
	}
	evs, err := ins.RecentEvents(c.Request().Context(), h.now().Add(-liveRecentWindow), liveRecentScan)
	if err != nil {
		return fmt.Errorf("recent events: %w", err)
	}
	for i := range evs {
		if len(v.Recent) == liveRecent {
			break
		}
		if store.MatchesEvent(fq, &evs[i]) {
			v.Recent = append(v.Recent, liveRow(&evs[i]))
		}
	}
	// The store lists the latest arrivals; the lines show event times, so
	// they go newest event time first (as live.js inserts streamed ones).
	sort.SliceStable(v.Recent, func(i, j int) bool { return v.Recent[i].time.After(v.Recent[j].time) })
	return render(c, http.StatusOK, livePage(m, v))
}
