package ui

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// homeView is the dashboard.
type homeView struct {
	Events, Flows int64
	Topics        []topicRowView
	RatesShown    bool   // the store answered TopicRates
	LagShown      bool   // ingest reported partitions
	RateWindow    string // "last hour, 30 s buckets"
	Ingest        *ingestView
	IngestJSON    string // the raw counters, for the details
	Anomalies     []anomalyGroupView
	// Statuses counts the statuses of the Sampled newest flows of the last
	// 24 hours; Failures groups their failures by type and reason.
	Statuses     []statusCountView
	Failures     []failureGroupView
	Sampled      int
	SlowestShown bool
	Slowest      []flowRowView
	TypesShown   bool
	NewTypes     []typeRowView
	Recent       []flowRowView
	MoreURL      string // the search page listing all flows
	// Behind is the consumer groups furthest behind in time; nil when
	// positions are not polled.
	Behind *groupListView
	// Internal lists the internal topics' counts when asked (?internal=1);
	// InternalNote and InternalURL are the toggle ("" when none stored).
	Internal                  []topicRowView
	InternalNote, InternalURL string
	InternalLink              string
}

// topicRowView is one topic: totals, current rate, sparkline and lag.
type topicRowView struct {
	Topic, URL string
	Events     int64
	Rate       string // events per second over the last bucket, in the column's unit
	rate       float64
	Spark      sparklineView
	HasSpark   bool
	Lag        string // "" when unknown
}

// ingestView is the ingest status line.
type ingestView struct {
	Ready                              bool
	GroupID                            string
	Consumed, Stored, Retries, Dropped int64
	Lag                                int64
	Backfill                           string // "" when not backfilling
	LastError, LastErrorAgo            string
}

// anomalyGroupView is one anomaly kind with its newest flows.
type anomalyGroupView struct {
	Kind, MoreURL string
	Flows         []flowRowView
	More          bool // more flows than shown
}

// typeRowView is an event type variant first seen in the window.
type typeRowView struct {
	Type, Version, Fields string
	FirstSeen, FirstAgo   string
	Events                int64
	Drift                 bool // a known type with a new version or field set
	URL                   string
	at                    time.Time
}

func ingestViewOf(st IngestStats, now time.Time) *ingestView {
	v := &ingestView{Ready: st.Ready, GroupID: st.GroupID, Consumed: st.Consumed, Stored: st.Stored,
		Retries: st.Retries, Dropped: st.Abandoned, LastError: st.LastError}
	for _, p := range st.Partitions {
		v.Lag += p.Lag
	}
	if b := st.Backfill; b != nil && !b.Complete {
		v.Backfill = strconv.FormatInt(b.Done, 10) + " / " + strconv.FormatInt(b.Total, 10) + " records"
		if b.ETASeconds > 0 {
			v.Backfill += ", about " + graph.FormatMS(math.Round(b.ETASeconds)*1000) + " left"
		}
	}
	if st.LastErrorAt != nil {
		v.LastErrorAgo = fmtAgo(now, *st.LastErrorAt)
	}
	return v
}

// topicRows joins the store's topic counts with their rate series and the
// ingest lag.
func topicRows(topics []store.TopicCount, series []store.TopicSeries, lag map[string]int64, rates bool) []topicRowView {
	bySeries := map[string]store.TopicSeries{}
	for _, s := range series {
		bySeries[s.Topic] = s
	}
	rows := make([]topicRowView, 0, len(topics))

	for _, t := range topics {
		r := topicRowView{Topic: t.Topic, URL: SearchURL("topic:" + queryValue(t.Topic)), Events: t.Events}
		if s, ok := bySeries[t.Topic]; ok && len(s.Counts) > 1 {
			// The last bucket is still filling: the rate now is the one
			// before it; the line shows both.
			secs := s.Step.Seconds()
			vals := make([]float64, len(s.Counts))
			peak := 0.0
			for i, c := range s.Counts {
				vals[i] = float64(c) / secs
				peak = max(peak, vals[i])
			}
			r.rate = vals[len(vals)-2]
			r.Spark = sparkline(vals, t.Topic+": events per second over the last hour, peak "+fmtRate(peak))
			r.HasSpark = true
		} else if rates {
			r.Spark, r.HasSpark = sparkline(make([]float64, 2), t.Topic+": no events in the last hour"), true
		}
		if n, ok := lag[t.Topic]; ok {
			r.Lag = strconv.FormatInt(n, 10)
		}
		rows = append(rows, r)
	}
	// One unit for the column, the one that suits its largest rate:
	// "12/s" next to "30.00/min" reads as if the second were smaller.
	top := 0.0
	for _, r := range rows {
		top = max(top, r.rate)
	}
	unit := rateUnitFor(top)
	for i := range rows {
		if rows[i].HasSpark {
			rows[i].Rate = fmtRateIn(rows[i].rate, unit)
		}
	}
	return rows
}

// newTypeRows keeps the variants not seen before the window: new types
// and drift, newest first.
func newTypeRows(now time.Time, types []store.TypeInfo) []typeRowView {
	var rows []typeRowView
	for _, ti := range types {
		if ti.Known {
			continue
		}
		q := "type:" + queryValue(ti.Type)
		rows = append(rows, typeRowView{
			Type: ti.Type, Version: ti.Version, Fields: strings.Join(ti.Fields, ", "),
			FirstSeen: fmtTime(ti.FirstSeen), FirstAgo: fmtAgo(now, ti.FirstSeen), Events: ti.Events,
			Drift: ti.TypeKnown, URL: SearchURL(q), at: ti.FirstSeen,
		})
	}
	slices.SortStableFunc(rows, func(a, b typeRowView) int { return b.at.Compare(a.at) })
	return rows
}
