-- events_by_id: event ID -> flow and coordinates, for O(log n) lookups by
-- event ID (Resolve, EventsByID, id: terms).
CREATE TABLE IF NOT EXISTS events_by_id (
    event_id String,
    flow_id String,
    time_ns Int64,
    event_time DateTime,
    topic String,
    kafka_partition Int32,
    kafka_offset Int64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (event_id, topic, kafka_partition, kafka_offset);

CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_id_mv TO events_by_id AS
SELECT event_id, flow_id, time_ns, event_time, topic, kafka_partition, kafka_offset
FROM events
