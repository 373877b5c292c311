package ui

import (
	"time"

	"github.com/eventscope/eventscope/store"
)

// Trend of a group's lag: the last trendWindow in trendPoints points.
const (
	trendWindow = time.Hour
	trendPoints = 60
)

// trendPoint is the group's lag at one time.
type trendPoint struct {
	Time        time.Time `json:"time"`
	LagMessages int64     `json:"lag_messages"`
	// LagSeconds is the age of the oldest waiting record whose time is
	// known; null when records wait and none of their times is known.
	LagSeconds *float64 `json:"lag_seconds"`
}

// lagTrend replays a group's position history (as PositionHistory returns
// it: ordered by topic, partition, then time, with the state before from)
// at trendPoints times from from to now: at each, the sum of records
// waiting and the age of the oldest stored one. A history younger than
// the window is sampled from its first row.
func lagTrend(rows []store.Position, from, now time.Time) []trendPoint {
	if len(rows) == 0 {
		return []trendPoint{}
	}
	start := now
	for i := range rows {
		if rows[i].At.Before(start) {
			start = rows[i].At
		}
	}
	if start.After(from) {
		from = start
	}
	step := now.Sub(from) / trendPoints
	pts := make([]trendPoint, trendPoints+1)
	for i := range pts {
		pts[i].Time = from.Add(time.Duration(i) * step).UTC()
	}
	pts[trendPoints].Time = now.UTC()
	first := len(pts)
	waiting := make([]bool, len(pts))
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && rows[end].Topic == rows[start].Topic && rows[end].Partition == rows[start].Partition &&
			rows[end].Group == rows[start].Group {
			end++
		}
		key := rows[start:end]
		j := -1 // the row in force at pts[i].Time
		for i := range pts {
			for j+1 < len(key) && !key[j+1].At.After(pts[i].Time) {
				j++
			}
			if j < 0 {
				continue
			}
			first = min(first, i)
			r := &key[j]
			if behind := r.High - r.Committed; behind > 0 {
				pts[i].LagMessages += behind
				waiting[i] = true
				if !r.Oldest.IsZero() {
					lag := secondsOf(pts[i].Time.Sub(r.Oldest))
					if pts[i].LagSeconds == nil || lag > *pts[i].LagSeconds {
						pts[i].LagSeconds = &lag
					}
				}
			}
		}
		start = end
	}
	for i := range pts {
		if !waiting[i] && pts[i].LagSeconds == nil {
			zero := 0.0
			pts[i].LagSeconds = &zero
		}
	}
	return pts[first:]
}
