-- flow_times: event time -> flow, ordered by time, so the newest flows are
-- found by reading a small time range instead of every flow.
CREATE TABLE IF NOT EXISTS flow_times (
    time_ns Int64,
    event_time DateTime,
    flow_id String
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY time_ns;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_times_mv TO flow_times AS
SELECT time_ns, event_time, flow_id
FROM events
