-- flow_times: per flow and inserted block, the first and last event time,
-- ordered by the last: the newest flows are found by reading a small range
-- instead of every flow, and a time window narrows searches. A flow's last
-- event time is max(max_ns) over its rows.
CREATE TABLE IF NOT EXISTS flow_times (
    flow_id String,
    min_ns Int64,
    max_ns Int64,
    last_time DateTime
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY max_ns;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_times_mv TO flow_times AS
SELECT flow_id, min(time_ns) AS min_ns, max(time_ns) AS max_ns, max(event_time) AS last_time
FROM events
GROUP BY flow_id
