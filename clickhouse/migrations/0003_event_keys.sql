-- event_keys: Kafka key -> flow, for Resolve by key and key: terms.
CREATE TABLE IF NOT EXISTS event_keys (
    key String,
    flow_id String,
    time_ns Int64,
    event_time DateTime,
    topic String,
    kafka_partition Int32,
    kafka_offset Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (key, topic, kafka_partition, kafka_offset);

CREATE MATERIALIZED VIEW IF NOT EXISTS event_keys_mv TO event_keys AS
SELECT key, flow_id, time_ns, event_time, topic, kafka_partition, kafka_offset
FROM events
WHERE key != ''
