-- event_keys: Kafka key -> flow, for Resolve by key and key: terms. The
-- view runs on each inserted block, so a key repeated in a flow (the usual
-- case) costs one row per write, kept in the partition of the block's
-- newest event so it outlives the events it points to. (last_time, not
-- event_time: an aggregate aliased to its own argument's name is an error
-- on some ClickHouse versions.)
CREATE TABLE IF NOT EXISTS event_keys (
    key String,
    flow_id String,
    last_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (key, flow_id)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_keys_mv TO event_keys AS
SELECT key, flow_id, max(event_time) AS last_time
FROM events
WHERE key != ''
GROUP BY key, flow_id
