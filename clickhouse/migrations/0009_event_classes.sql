-- event_classes: the diagnose engine's classification of the records that
-- have one (diagnose.Class: bits 1 dead letter, 2 failure, 4 compensation;
-- the failure reason), computed at write time from payload and headers.
-- Sparse: most records have none. Keyed like events (a record written
-- again collapses on merge; readers keep one row per identity). Flow
-- summaries read it beside events.summary (issue 13; the issue-12 read
-- models are to carry it).
CREATE TABLE IF NOT EXISTS event_classes (
    flow_id String,
    topic {{LowCardinalityString}},
    kafka_partition Int32,
    kafka_offset Int64,
    kafka_time_ns Int64,
    class UInt8,
    reason String,
    event_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns)
