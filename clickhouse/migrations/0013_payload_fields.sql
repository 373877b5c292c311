-- The payload field read model (issue 23), written by Write beside the
-- read models of 0007 (clickhouse/payload_model.go) from each payload's
-- paths (store.SummarizePaths): a payload field search rules out absent
-- fields, absent values and numeric ranges no value reaches, and finds its
-- candidate flows, without reading payloads. Every state is idempotent
-- under a repeated write (min, max, uniq; payload_values only repeats a
-- row that merges away), so a retried Write and the backfill are harmless,
-- and readers merge in the query (-Merge, DISTINCT): right before any
-- background merge. Partitioned by the day of the write's newest event,
-- so retention drops them with the events. The backfill
-- (clickhouse/backfill_payload.go) fills them from stored events, one day
-- partition at a time, resumable (backfill_done).

-- One row per flow and path of a write: the least and greatest value that
-- compares as a number (+inf and -inf when none does).
CREATE TABLE IF NOT EXISTS payload_path_rows (
    flow_id String,
    path String,
    w_last_time DateTime,
    w_lo Float64,
    w_hi Float64
) ENGINE = Null;

-- payload_paths: per path and flow, ordered by (path, flow_id): the flows
-- with a field (has:) or a number in a range (>, >=, <, <=).
CREATE TABLE IF NOT EXISTS payload_paths (
    path String,
    flow_id String,
    last_time DateTime,
    lo AggregateFunction(min, Float64),
    hi AggregateFunction(max, Float64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (path, flow_id)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS payload_paths_mv TO payload_paths AS
SELECT path, flow_id, max(w_last_time) AS last_time, minState(w_lo) AS lo, maxState(w_hi) AS hi
FROM payload_path_rows
GROUP BY path, flow_id;

-- payload_path_days: per path and day (of the flow rows' last_time, as
-- payload_paths is partitioned), the same bounds and about how many flows:
-- a few rows per path, read before anything else (a field no payload has,
-- a number beyond every value).
CREATE TABLE IF NOT EXISTS payload_path_days (
    path String,
    last_time DateTime,
    lo AggregateFunction(min, Float64),
    hi AggregateFunction(max, Float64),
    flows AggregateFunction(uniq, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY path;

CREATE MATERIALIZED VIEW IF NOT EXISTS payload_path_days_mv TO payload_path_days AS
SELECT path, max(w_last_time) AS last_time, minState(w_lo) AS lo, maxState(w_hi) AS hi, uniqState(flow_id) AS flows
FROM payload_path_rows
GROUP BY path, toYYYYMMDD(w_last_time);

-- payload_values: the flows holding a value at a path, by the value's
-- text as an exact term compares it (store.PayloadMatches), for values of
-- at most 256 bytes (longer ones are not indexed: a term with one is
-- found by position() as before). One row per distinct (path, value,
-- flow) of a write. A path with a key holding "." is stored with a NUL
-- first, in every table: no term names it.
CREATE TABLE IF NOT EXISTS payload_values (
    path String,
    value String,
    flow_id String,
    last_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (path, value, flow_id)
