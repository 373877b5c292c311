package ingest

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the consumer groups' positions, per group (not per partition,
// to keep the series few), computed from the latest poll at each scrape.
var (
	groupLagRecordsDesc = prometheus.NewDesc("eventscope_consumer_group_lag_records",
		"Records the consumer group has not committed yet, summed over its partitions (high watermark minus committed offset).",
		[]string{"group"}, nil)
	groupLagSecondsDesc = prometheus.NewDesc("eventscope_consumer_group_lag_seconds",
		"Age of the oldest record the consumer group has not committed (its timestamp from the store); absent when that record is not stored.",
		[]string{"group"}, nil)
	groupStuckDesc = prometheus.NewDesc("eventscope_consumer_group_stuck",
		"1 when records wait on a partition of the group and it has not moved for much longer than its usual pace.",
		[]string{"group"}, nil)
	pollAgeDesc = prometheus.NewDesc("eventscope_consumer_positions_age_seconds",
		"Seconds since the last successful poll of the consumer groups' positions.", nil, nil)
	pollFailingDesc = prometheus.NewDesc("eventscope_consumer_positions_poll_failing",
		"1 while the latest poll of the consumer groups' positions failed.", nil, nil)
)

// Describe implements prometheus.Collector.
func (p *Poller) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{groupLagRecordsDesc, groupLagSecondsDesc, groupStuckDesc, pollAgeDesc, pollFailingDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: the latest snapshot, aged to now.
func (p *Poller) Collect(ch chan<- prometheus.Metric) {
	s := p.Snapshot()
	now := time.Now()
	failing := 0.0
	if s.Err != "" {
		failing = 1
	}
	ch <- prometheus.MustNewConstMetric(pollFailingDesc, prometheus.GaugeValue, failing)
	if s.At.IsZero() {
		return
	}
	ch <- prometheus.MustNewConstMetric(pollAgeDesc, prometheus.GaugeValue, now.Sub(s.At).Seconds())
	for _, g := range s.Groups {
		var records int64
		lag, known, stuck := 0.0, true, 0.0
		for i := range g.Partitions {
			pt := &g.Partitions[i]
			records += pt.Behind()
			switch {
			case pt.Behind() == 0:
			case pt.Oldest.IsZero():
				known = false
			default:
				lag = max(lag, now.Sub(pt.Oldest).Seconds())
			}
			if pt.Stuck(now, s.Interval) {
				stuck = 1
			}
		}
		ch <- prometheus.MustNewConstMetric(groupLagRecordsDesc, prometheus.GaugeValue, float64(records), g.Name)
		if known || lag > 0 {
			ch <- prometheus.MustNewConstMetric(groupLagSecondsDesc, prometheus.GaugeValue, lag, g.Name)
		}
		ch <- prometheus.MustNewConstMetric(groupStuckDesc, prometheus.GaugeValue, stuck, g.Name)
	}
}
