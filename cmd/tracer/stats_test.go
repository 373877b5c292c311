package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/eventscope/eventscope/ingest"
)

// TestUIStatsJSON checks that /api/stats serves ingest's counters as
// ingest.Stats encodes them: every field set, and the empty form.
func TestUIStatsJSON(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 5, time.UTC)
	full := ingest.Stats{
		Ready: true, GroupID: "g", Consumed: 1, Stored: 2, Batches: 3, Retries: 4, Abandoned: 5,
		Topics:     []ingest.TopicStats{{Topic: "orders", Consumed: 6, Stored: 7}},
		Partitions: []ingest.PartitionStats{{Topic: "orders", Partition: 8, HighWatermark: 9, NextOffset: 10, Lag: 11}},
		Backfill:   &ingest.Backfill{Done: 12, Total: 13, RatePerSec: 1.5, ETASeconds: 2.5, Complete: true, StartedAt: at},
		LastError:  "boom", LastErrorAt: &at,
	}
	empty := ingest.Stats{Topics: []ingest.TopicStats{}, Partitions: []ingest.PartitionStats{}}
	for _, s := range []ingest.Stats{full, empty} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(uiStats(s))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("ui stats JSON\n%s\nwant ingest's\n%s", got, want)
		}
	}
}
