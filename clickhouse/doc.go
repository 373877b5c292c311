// Package clickhouse is eventscope's production store on ClickHouse,
// through clickhouse-go v2 over the native protocol.
//
// Schema (migrations/*.sql, applied by Migrate and recorded in
// schema_migrations): events is a ReplacingMergeTree ordered by (flow_id,
// topic, kafka_partition, kafka_offset, kafka_time_ns), a record's identity
// after its flow, so a redelivered record collapses,
// and partitioned by day of event time so retention drops whole partitions.
// Materialized views fill three narrow lookup tables from it: events_by_id
// (event ID -> flow), event_keys (Kafka key -> flow, one row per flow and
// write) and flow_times (a flow's first and last event time per write,
// ordered by the last, for the recent-flows page and the searches that
// look at the newest flows first). Lookups go through them
// to the flow's rows in events, found by primary key. Every read
// removes not yet merged copies of a record itself (LIMIT 1 BY the record's
// coordinates), so a record is returned once even before background merges.
//
// The SQL stays portable between Debian's ClickHouse 18.16 and current
// releases: String, integer and DateTime columns only (times as Int64
// nanoseconds plus a DateTime partition column), explicit column lists, no
// TTL, CODEC or skip indexes; LowCardinality only where the server version
// allows it without experimental settings.
package clickhouse
