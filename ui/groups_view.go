package ui

import (
	"strconv"
	"time"

	"github.com/eventscope/eventscope/graph"
)

// consumerRowView is one consumer group in a list.
type consumerRowView struct {
	Name, URL, State string
	Members          string
	LagMessages      string
	LagTime          string // "not stored" when unknown
	Stuck            bool
	Error            string
}

// groupListView is the /groups page.
type groupListView struct {
	Rows  []consumerRowView
	Error string
	AsOf  string
}

// groupPageView is the /groups/{name} page.
type groupPageView struct {
	Group      consumerRowView
	Partitions []partitionRowView
	Error      string
	AsOf       string
	APIURL     string
	TimeChart  sparklineView
	MsgChart   sparklineView
	TimePeak   string
	MsgPeak    string
	TrendFrom  string
	HasTrend   bool
}

// partitionRowView is one partition of a group.
type partitionRowView struct {
	Topic, Partition     string
	Committed, High      string
	RecordURL            string
	LagMessages, LagTime string
	StillFor             string
	Stuck                bool
	StuckURL, StuckLabel string
	Reset                string
	NotStored            bool
}

// fmtLag is a lag in seconds for display; nil is "not stored".
func fmtLag(s *float64) string {
	if s == nil {
		return "not stored"
	}
	return graph.FormatMS(*s * 1000)
}

func consumerRow(g groupJSON) consumerRowView {
	r := consumerRowView{Name: g.Name, URL: g.URL, State: g.State, Members: strconv.Itoa(g.Members),
		LagMessages: strconv.FormatInt(g.LagMessages, 10), LagTime: fmtLag(g.LagSeconds), Stuck: g.Stuck, Error: g.Error}
	if g.State == "" {
		r.State = "—"
	}
	return r
}

func groupListViewOf(gs []groupJSON, errMsg, asOf string) groupListView {
	v := groupListView{Error: errMsg, AsOf: asOf}
	for _, g := range gs {
		v.Rows = append(v.Rows, consumerRow(g))
	}
	return v
}

// Trend chart size.
const (
	trendW = 600
	trendH = 90
)

func groupPageViewOf(d groupDetailJSON) groupPageView {
	v := groupPageView{Group: consumerRow(d.groupJSON), Error: d.Error, AsOf: d.AsOf, APIURL: "/api" + GroupURL(d.Name)}
	for _, p := range d.Partitions {
		r := partitionRowView{Topic: p.Topic, Partition: strconv.Itoa(int(p.Partition)),
			Committed: strconv.FormatInt(p.Committed, 10), High: strconv.FormatInt(p.High, 10), RecordURL: p.RecordURL,
			LagMessages: strconv.FormatInt(p.LagMessages, 10), LagTime: fmtLag(p.LagSeconds), Stuck: p.Stuck,
			NotStored: !p.Stored}
		if p.StillFor > 0 {
			r.StillFor = graph.FormatMS(p.StillFor * 1000)
		}
		if p.StuckAt != nil {
			r.StuckURL, r.StuckLabel = p.StuckAt.URL, p.StuckAt.EventID
		}
		if p.Reset != nil {
			r.Reset = "reset from " + strconv.FormatInt(p.Reset.From, 10) + " to " + strconv.FormatInt(p.Reset.To, 10) +
				" at " + fmtTime(p.Reset.At)
		}
		v.Partitions = append(v.Partitions, r)
	}
	if len(d.Trend) > 1 {
		secs := make([]float64, len(d.Trend))
		msgs := make([]float64, len(d.Trend))
		var peakS, peakM float64
		for i, p := range d.Trend {
			if p.LagSeconds != nil {
				secs[i] = *p.LagSeconds
			}
			msgs[i] = float64(p.LagMessages)
			peakS, peakM = max(peakS, secs[i]), max(peakM, msgs[i])
		}
		v.HasTrend = true
		v.TimeChart = lineChart(secs, "lag in time over the last hour, peak "+graph.FormatMS(peakS*1000), trendW, trendH)
		v.MsgChart = lineChart(msgs, "lag in messages over the last hour, peak "+strconv.FormatFloat(peakM, 'f', 0, 64), trendW, trendH)
		v.TimePeak, v.MsgPeak = graph.FormatMS(peakS*1000), strconv.FormatFloat(peakM, 'f', 0, 64)
		v.TrendFrom = d.Trend[0].Time.Format(time.TimeOnly) + "–" + d.Trend[len(d.Trend)-1].Time.Format(time.TimeOnly) + " UTC"
	}
	return v
}
