package ui

import "time"

// IngestStats is what the UI knows of ingest: the dashboard's status and lag,
// the service map's own consumer group, and the "ingest" member of
// /api/stats, whose JSON form it is (docs/API.md). ui does not import
// ingest; cmd/tracer fills it from ingest.Stats, as it does ConsumerGroup.
type IngestStats struct {
	Ready       bool              `json:"ready"`
	GroupID     string            `json:"group_id"`
	Consumed    int64             `json:"consumed"`
	Stored      int64             `json:"stored"`
	Batches     int64             `json:"batches"`
	Retries     int64             `json:"retries"`
	Abandoned   int64             `json:"abandoned_batches"`
	Topics      []IngestTopic     `json:"topics"`
	Partitions  []IngestPartition `json:"partitions"`
	Backfill    *IngestBackfill   `json:"backfill,omitempty"` // set when started with --from-beginning
	LastError   string            `json:"last_error,omitempty"`
	LastErrorAt *time.Time        `json:"last_error_at,omitempty"`
}

// IngestTopic counts one topic's records.
type IngestTopic struct {
	Topic    string `json:"topic"`
	Consumed int64  `json:"consumed"`
	Stored   int64  `json:"stored"`
}

// IngestPartition is one partition the ingester owns; NextOffset is the
// next offset to store (everything before it is durable).
type IngestPartition struct {
	Topic         string `json:"topic"`
	Partition     int32  `json:"partition"`
	HighWatermark int64  `json:"high_watermark"`
	NextOffset    int64  `json:"next_offset"`
	Lag           int64  `json:"lag"`
}

// IngestBackfill is the progress of a --from-beginning start.
type IngestBackfill struct {
	Done       int64     `json:"done"`
	Total      int64     `json:"total"`
	RatePerSec float64   `json:"rate_per_sec"`
	ETASeconds float64   `json:"eta_seconds"`
	Complete   bool      `json:"complete"`
	StartedAt  time.Time `json:"started_at"`
}

// ingestStats reads Options.Stats; ok is false without it.
func (h *handler) ingestStats() (IngestStats, bool) {
	if h.stats == nil {
		return IngestStats{}, false
	}
	return h.stats(), true
}

// lagByTopic sums the partitions' lag per topic.
func (st *IngestStats) lagByTopic() map[string]int64 {
	out := map[string]int64{}
	for _, p := range st.Partitions {
		out[p.Topic] += p.Lag
	}
	return out
}
