-- flow_verdicts (issue 12): per flow, its whole summary with the diagnose
-- engine's verdict (clock-free: the anomaly kinds, the base status, reason
-- and failed type, and StallAt, after which the flow is stalled), ordered
-- by the flow's last event time: the newest flows, the flows with an
-- anomaly or a status in a time window and the per-status counts are a
-- contiguous range of it, never a merge over every flow by random key.
-- A pass of the store (clickhouse/verdict.go) computes the rows of the
-- flows each write touched, from their records, with the engine; a flow
-- has one row per pass that saw it. The newest row of a flow (highest
-- computed_ns) is its verdict, and it has the flow's highest last_ns, so a
-- range last_ns >= x holds the newest row of every flow whose last event
-- is in it: readers take argMax(..., computed_ns) per flow in the range
-- (right before any merge). Rows of one flow with the same last time
-- collapse on merge (ReplacingMergeTree by computed_ns). Partitioned by
-- the day of the last event, so retention drops it with the events.
-- The backfill (clickhouse/backfill_verdicts.go) computes every stored
-- flow's row.
CREATE TABLE IF NOT EXISTS flow_verdicts (
    flow_id String,
    last_ns Int64,
    last_time DateTime,
    first_ns Int64,
    computed_ns UInt64,
    records UInt64,
    services Array(String),
    types Array(String),
    kinds Array(String),
    base String,
    reason String,
    failed_type String,
    stall_ns Int64
) ENGINE = ReplacingMergeTree(computed_ns)
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (last_ns, flow_id)
