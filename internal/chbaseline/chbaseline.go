// Package chbaseline is what the ClickHouse benchmarks (clickhouse/bench,
// ingest/bench) measure the store against: clickhouse-go alone writing the
// same records into a plain table with the columns of the store's events
// table (a MergeTree with its partitions and sorting key, and no views),
// as an application would. One definition, so both benchmarks compare
// with the same baseline.
package chbaseline

import (
	"context"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/event"
)

// CreateSQL creates the baseline table named table ("raw_events" or
// "db.raw_events").
func CreateSQL(table string) string {
	return `CREATE TABLE ` + table + ` (
    flow_id String, topic String, kafka_partition Int32, kafka_offset Int64,
    event_id String, id_source String, correlation_id String, causation_id String,
    type String, version String, source String, time_ns Int64, event_time DateTime,
    kafka_time_ns Int64, ingested_at_ns Int64, key String,
    header_keys Array(String), header_values Array(String), payload String,
    payload_size Int64, truncated UInt8, content_type String, convention String,
    decode_error String, dead_letter UInt8
) ENGINE = MergeTree PARTITION BY toYYYYMMDD(event_time)
ORDER BY (flow_id, topic, kafka_partition, kafka_offset)`
}

// Insert writes evs into table as one batch: one PrepareBatch, an Append
// per row, one Send.
func Insert(ctx context.Context, conn driver.Conn, table string, evs []event.Event) error {
	bt, err := conn.PrepareBatch(ctx, `INSERT INTO `+table+` (flow_id, topic, kafka_partition, kafka_offset,
event_id, id_source, correlation_id, causation_id, type, version, source,
time_ns, event_time, kafka_time_ns, ingested_at_ns, key, header_keys, header_values,
payload, payload_size, truncated, content_type, convention, decode_error, dead_letter)`)
	if err != nil {
		return err
	}
	for i := range evs {
		e := &evs[i]
		hk, hv := make([]string, len(e.Headers)), make([]string, len(e.Headers))
		for j, h := range e.Headers {
			hk[j], hv[j] = h.Key, h.Value
		}
		if err := bt.Append(e.FlowID(), e.Topic, e.Partition, e.Offset, e.EventID, e.IDSource,
			e.CorrelationID, e.CausationID, e.Type, e.Version, e.Source, e.Time.UnixNano(),
			e.Time.Truncate(time.Second), e.KafkaTime.UnixNano(), e.IngestedAt.UnixNano(), e.Key, hk, hv,
			e.Payload, int64(e.PayloadSize), uint8(0), e.ContentType, e.Convention, e.DecodeError, uint8(0)); err != nil {
			_ = bt.Abort()
			return err
		}
	}
	return bt.Send()
}
