package store

import (
	"context"
	"time"

	"github.com/eventscope/eventscope/diagnose"
)

// Failures is an optional interface a Reader may also implement: the failed
// and dead-lettered records, read from what the store keeps of them at
// write time (the diagnose classification of each record), never by
// scanning every event. The /failures inbox groups them. The UI finds it
// with a type assertion and hides the inbox for a store without it.
type Failures interface {
	// FailedRecords returns the records classified as failures (dead
	// letters included) whose event time is in [q.From, q.To) (a zero
	// bound is open) and that match q's service and topic when set, the
	// newest first (ties: topic, partition, offset), at most q.Limit of
	// them (all when Limit <= 0). Each record is returned once, whatever
	// the number of times it was written. Internal records are left out.
	FailedRecords(ctx context.Context, q FailureQuery) ([]FailedRecord, error)
}

// FailureQuery selects failed records.
type FailureQuery struct {
	From, To time.Time
	Service  string // the record's source, exactly; "" any
	Topic    string // exactly; "" any
	Limit    int
}

// FailedRecord is one failed or dead-lettered record.
type FailedRecord struct {
	Coord
	EventID    string    `json:"event_id"`
	FlowID     string    `json:"flow_id"`
	Type       string    `json:"type"`
	Source     string    `json:"source"`
	Reason     string    `json:"reason"`
	DeadLetter bool      `json:"dead_letter"`
	Time       time.Time `json:"time"`
	KafkaTime  time.Time `json:"kafka_time"`
	// FlowStatus is the clock-free status of the record's flow
	// (diagnose.Summary.Base: failed, compensated, recovered or ok) when
	// the store knows it, else "".
	FlowStatus string `json:"flow_status,omitempty"`
}

// ScanFailed reads rows of (topic, partition, offset, event ID, flow ID,
// type, source, reason, class bits, time, kafka time, flow status), the
// times as int64 that timeOf turns into times: the columns both backends
// select. It closes rows.
func ScanFailed(rows Rows, timeOf func(int64) time.Time) ([]FailedRecord, error) {
	defer rows.Close()
	out := []FailedRecord{}
	for rows.Next() {
		var r FailedRecord
		var class uint8
		var t, kt int64
		if err := rows.Scan(&r.Topic, &r.Partition, &r.Offset, &r.EventID, &r.FlowID, &r.Type, &r.Source, &r.Reason,
			&class, &t, &kt, &r.FlowStatus); err != nil {
			return nil, err
		}
		r.DeadLetter = diagnose.ClassOf(class, "").DeadLetter
		r.Time, r.KafkaTime = timeOf(t), timeOf(kt)
		out = append(out, r)
	}
	return out, rows.Err()
}
