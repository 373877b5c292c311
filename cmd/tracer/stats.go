package main

import (
	"github.com/eventscope/eventscope/ingest"
	"github.com/eventscope/eventscope/ui"
)

// uiStats hands ingest's counters to the UI in the UI's own type, whose
// JSON form (/api/stats) is ingest.Stats' own (see TestUIStatsJSON).
func uiStats(s ingest.Stats) ui.IngestStats {
	out := ui.IngestStats{
		Ready: s.Ready, GroupID: s.GroupID, Consumed: s.Consumed, Stored: s.Stored,
		Batches: s.Batches, Retries: s.Retries, Abandoned: s.Abandoned,
		Topics:     make([]ui.IngestTopic, len(s.Topics)),
		Partitions: make([]ui.IngestPartition, len(s.Partitions)),
		LastError:  s.LastError, LastErrorAt: s.LastErrorAt,
	}
	for i, t := range s.Topics {
		out.Topics[i] = ui.IngestTopic(t)
	}
	for i, p := range s.Partitions {
		out.Partitions[i] = ui.IngestPartition(p)
	}
	if s.Backfill != nil {
		b := ui.IngestBackfill(*s.Backfill)
		out.Backfill = &b
	}
	return out
}
