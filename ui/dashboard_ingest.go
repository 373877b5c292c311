package ui

import (
	"encoding/json"
	"time"
)

// ingestStats is the part of ingest's Stats (Options.Stats) the dashboard
// shows. ui does not import ingest: it reads the value through its JSON
// form, the same one /api/stats serves.
type ingestStats struct {
	Ready      bool   `json:"ready"`
	GroupID    string `json:"group_id"`
	Consumed   int64  `json:"consumed"`
	Stored     int64  `json:"stored"`
	Batches    int64  `json:"batches"`
	Retries    int64  `json:"retries"`
	Abandoned  int64  `json:"abandoned_batches"`
	Partitions []struct {
		Topic string `json:"topic"`
		Lag   int64  `json:"lag"`
	} `json:"partitions"`
	Backfill *struct {
		Done       int64   `json:"done"`
		Total      int64   `json:"total"`
		RatePerSec float64 `json:"rate_per_sec"`
		ETASeconds float64 `json:"eta_seconds"`
		Complete   bool    `json:"complete"`
	} `json:"backfill"`
	LastError   string     `json:"last_error"`
	LastErrorAt *time.Time `json:"last_error_at"`
}

// ingestStats reads Options.Stats; ok is false without it or when its
// value does not have ingest's JSON shape.
func (h *handler) ingestStats() (ingestStats, bool) {
	var st ingestStats
	if h.stats == nil {
		return st, false
	}
	v := h.stats()
	if v == nil {
		return st, false
	}
	b, err := json.Marshal(v)
	if err != nil || json.Unmarshal(b, &st) != nil {
		return st, false
	}
	return st, true
}

// lagByTopic sums the partitions' lag per topic.
func (st *ingestStats) lagByTopic() map[string]int64 {
	out := map[string]int64{}
	for _, p := range st.Partitions {
		out[p.Topic] += p.Lag
	}
	return out
}
