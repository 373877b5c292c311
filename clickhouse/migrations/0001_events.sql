-- events: one row per stored Kafka record, identified by (topic, partition,
-- offset, Kafka timestamp): a record written again (a retry, a redelivery)
-- has the same sorting key and collapses on merge, while a new record at a
-- reused offset (a topic created again) has another timestamp and stays;
-- readers drop the not yet merged copies with LIMIT 1 BY that identity. Times are
-- Int64 nanoseconds (UTC); event_time is the event time in seconds, for the
-- day partitions that retention drops.
CREATE TABLE IF NOT EXISTS events (
    flow_id String,
    topic {{LowCardinalityString}},
    kafka_partition Int32,
    kafka_offset Int64,
    event_id String,
    id_source {{LowCardinalityString}},
    correlation_id String,
    causation_id String,
    type {{LowCardinalityString}},
    version {{LowCardinalityString}},
    source {{LowCardinalityString}},
    time_ns Int64,
    event_time DateTime,
    kafka_time_ns Int64,
    ingested_at_ns Int64,
    key String,
    header_keys Array(String),
    header_values Array(String),
    payload String,
    payload_size Int64,
    truncated UInt8,
    content_type {{LowCardinalityString}},
    convention {{LowCardinalityString}},
    decode_error String,
    dead_letter UInt8,
    -- What a flow summary needs of the record, in one column: a page of
    -- summaries then reads two columns per flow instead of ten (every
    -- column read at a random place costs a 64 KiB compressed block).
    -- Strings are length-prefixed ("3:abc"), numbers end in ";".
    summary String MATERIALIZED concat(
        toString(length(event_id)), ':', event_id,
        toString(length(causation_id)), ':', causation_id,
        toString(length(type)), ':', type,
        toString(length(source)), ':', source,
        toString(length(topic)), ':', topic,
        toString(kafka_partition), ';', toString(kafka_offset), ';',
        toString(kafka_time_ns), ';', toString(time_ns), ';')
) ENGINE = ReplacingMergeTree(ingested_at_ns)
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns)
SETTINGS index_granularity = 1024
