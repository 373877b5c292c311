package ingest

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/eventscope/eventscope/store"
)

func TestPollerMetrics(t *testing.T) {
	p := NewPoller(PollerConfig{Brokers: []string{"127.0.0.1:1"}}, nil, nil)
	now := time.Now()
	part := func(committed, high int64, oldest, moved time.Time) store.PartitionStatus {
		return store.PartitionStatus{Position: store.Position{Topic: "orders", Committed: committed, High: high, Oldest: oldest}, Moved: moved}
	}
	p.snap = store.GroupsSnapshot{At: now, Interval: 10 * time.Second, Groups: []store.GroupStatus{
		{Name: "billing", Partitions: []store.PartitionStatus{part(1, 10, now.Add(-time.Hour), now.Add(-time.Hour))}},
		{Name: "audit", Partitions: []store.PartitionStatus{part(10, 10, time.Time{}, now)}},
		{Name: "untapped", Partitions: []store.PartitionStatus{part(0, 5, time.Time{}, now)}},
	}}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(p)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			got[name] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"eventscope_consumer_group_lag_records/audit": 0, "eventscope_consumer_group_lag_records/billing": 9,
		"eventscope_consumer_group_lag_records/untapped": 5,
		"eventscope_consumer_group_stuck/audit":          0, "eventscope_consumer_group_stuck/billing": 1,
		"eventscope_consumer_group_stuck/untapped":    0,
		"eventscope_consumer_group_lag_seconds/audit": 0, // untapped: its waiting record is not stored
		"eventscope_consumer_positions_poll_failing":  0,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if _, ok := got["eventscope_consumer_group_lag_seconds/untapped"]; ok {
		t.Errorf("lag_seconds of a group whose waiting record is not stored should be absent")
	}
	if s := got["eventscope_consumer_group_lag_seconds/billing"]; s < 3599 || s > 3700 {
		t.Errorf("billing lag_seconds = %v, want about 3600", s)
	}
}
