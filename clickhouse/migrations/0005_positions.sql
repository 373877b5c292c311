-- positions: consumer-group positions (store.Positions), one row per
-- observation of a group's committed offset on a partition that moved
-- since the last poll. Ordered by partition first: FirstPassed (which
-- groups read a record) reads one partition's range; a group's history
-- reads today's partitions. Times are Int64 nanoseconds; at_time (the
-- observation, in seconds) is the day partition retention drops with the
-- events'.
CREATE TABLE IF NOT EXISTS positions (
    topic {{LowCardinalityString}},
    kafka_partition Int32,
    grp String,
    at_ns Int64,
    committed Int64,
    high Int64,
    prev_ns Int64,
    oldest_ns Int64,
    at_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(at_time)
ORDER BY (topic, kafka_partition, grp, at_ns)
SETTINGS index_granularity = 1024;

-- records: (topic, partition, offset) -> event, for the record a group is
-- stuck on, the age of the oldest record a group has not read, and the
-- /records/{topic}/{partition}/{offset} permalink; events is ordered by
-- flow and cannot find a record by its coordinates without a full scan.
-- Narrow (one row per record, no payload), fed by a view. Events stored
-- before this migration are not in it.
CREATE TABLE IF NOT EXISTS records (
    topic {{LowCardinalityString}},
    kafka_partition Int32,
    kafka_offset Int64,
    kafka_time_ns Int64,
    event_id String,
    correlation_id String,
    flow_id String,
    event_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (topic, kafka_partition, kafka_offset, kafka_time_ns)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS records_mv TO records AS
SELECT topic, kafka_partition, kafka_offset, kafka_time_ns, event_id, correlation_id, flow_id, event_time
FROM events
