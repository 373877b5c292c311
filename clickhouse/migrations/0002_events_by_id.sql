-- events_by_id: event ID -> flow, for O(log n) lookups by event ID
-- (EventsByID, Resolve, id: terms); the flow's rows in events then give
-- the records. Narrow on purpose: every byte here is paid on every write.
-- Event IDs are random, so a lookup probes every part: small granules keep
-- each probe to one compressed block.
CREATE TABLE IF NOT EXISTS events_by_id (
    event_id String,
    flow_id String,
    event_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (event_id, flow_id)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_id_mv TO events_by_id AS
SELECT event_id, flow_id, event_time
FROM events
