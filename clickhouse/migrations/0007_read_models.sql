-- Read models maintained at write time (issue 12): the store's Write
-- computes, per batch, one row per flow (flow_rows), per topic and 10-second
-- bucket of arrival (topic_rows), per (type, version, field set) and minute
-- (type_rows) and per (field, value, minute) of the searchable values
-- (value_minutes), and inserts them after the events. flow_rows, topic_rows
-- and type_rows are Null tables: their views fold each write's rows into
-- AggregatingMergeTree states, which readers merge in the query
-- (-Merge ... GROUP BY the key), so reads are right before background
-- merges. Every state here is idempotent under a repeated write (min, max,
-- uniqExact, groupUniqArray; groupArray repeats entries that only ever feed
-- min/exists tests), so a retried Write and the backfill are harmless.
-- The backfill (clickhouse/backfill.go) also drops events.summary, which
-- fed the summaries before flow_summary.

-- One row per flow and write (w_: what one write adds). Hashes are cityHash64 (clickhouse/rollup.go):
-- records are record identities (topic, partition, offset, Kafka time),
-- ids and id_times one event ID and event time per record, causes and
-- cause_times one causation ID and event time per record naming a cause
-- (parallel arrays: 18.16 stores an Array(Tuple) column as separate
-- arrays that a view cannot name; the view zips them into tuples). flags is room for
-- per-event classifications (bit per class, OR-ed).
CREATE TABLE IF NOT EXISTS flow_rows (
    flow_id String,
    w_last_time DateTime,
    w_first_ns Int64,
    w_last_ns Int64,
    w_records Array(UInt64),
    w_ids Array(UInt64),
    w_id_times Array(Int64),
    w_causes Array(UInt64),
    w_cause_times Array(Int64),
    w_services Array(String),
    w_types Array(String),
    w_topics Array(String),
    w_dead_letter UInt8,
    w_flags UInt64
) ENGINE = Null;

-- flow_summary: per flow, everything a FlowSummary and its anomalies need,
-- ordered by flow_id (a page of summaries is a primary-key IN lookup).
-- Partitioned like flow_times by the day of the write's newest event, so
-- retention drops it with them.
CREATE TABLE IF NOT EXISTS flow_summary (
    flow_id String,
    last_time DateTime,
    first_ns AggregateFunction(min, Int64),
    last_ns AggregateFunction(max, Int64),
    records AggregateFunction(uniqExactArray, Array(UInt64)),
    id_times AggregateFunction(groupArrayArray, Array(Tuple(UInt64, Int64))),
    cause_times AggregateFunction(groupArrayArray, Array(Tuple(UInt64, Int64))),
    services AggregateFunction(groupUniqArrayArray, Array(String)),
    types AggregateFunction(groupUniqArrayArray, Array(String)),
    topics AggregateFunction(groupUniqArrayArray, Array(String)),
    dead_letter AggregateFunction(max, UInt8),
    flags AggregateFunction(groupBitOr, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY flow_id
SETTINGS index_granularity = 256;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_summary_mv TO flow_summary AS
SELECT flow_id, max(w_last_time) AS last_time,
    minState(w_first_ns) AS first_ns, maxState(w_last_ns) AS last_ns,
    uniqExactArrayState(w_records) AS records,
    groupArrayArrayState(arrayMap((i, t) -> (i, t), w_ids, w_id_times)) AS id_times,
    groupArrayArrayState(arrayMap((i, t) -> (i, t), w_causes, w_cause_times)) AS cause_times,
    groupUniqArrayArrayState(w_services) AS services, groupUniqArrayArrayState(w_types) AS types,
    groupUniqArrayArrayState(w_topics) AS topics,
    maxState(w_dead_letter) AS dead_letter, groupBitOrState(w_flags) AS flags
FROM flow_rows
GROUP BY flow_id;

-- Per topic and 10-second bucket of arrival (Kafka time): the distinct
-- records. A redelivered record has the same Kafka time, so it falls in
-- the same bucket: the sum of the buckets' distinct counts is exact.
CREATE TABLE IF NOT EXISTS topic_rows (
    topic String,
    bucket Int64,
    w_last_time DateTime,
    w_records Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS topic_buckets (
    topic String,
    bucket Int64,
    last_time DateTime,
    records AggregateFunction(uniqExactArray, Array(UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (bucket, topic);

CREATE MATERIALIZED VIEW IF NOT EXISTS topic_buckets_mv TO topic_buckets AS
SELECT topic, bucket, max(w_last_time) AS last_time, uniqExactArrayState(w_records) AS records
FROM topic_rows
GROUP BY topic, bucket;

-- Per (type, version, payload field set) and minute of arrival: first and
-- last arrival and the distinct records, for the dashboard's event types
-- and schema drift. fields is the sorted field set joined by ","
-- (store.FieldSet), of a sample of each write's events.
CREATE TABLE IF NOT EXISTS type_rows (
    type String,
    version String,
    fields String,
    minute Int64,
    w_last_time DateTime,
    w_first_ns Int64,
    w_last_ns Int64,
    w_records Array(UInt64)
) ENGINE = Null;

CREATE TABLE IF NOT EXISTS type_minutes (
    type String,
    version String,
    fields String,
    minute Int64,
    last_time DateTime,
    first_ns AggregateFunction(min, Int64),
    last_ns AggregateFunction(max, Int64),
    records AggregateFunction(uniqExactArray, Array(UInt64))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (minute, type, version, fields);

CREATE MATERIALIZED VIEW IF NOT EXISTS type_minutes_mv TO type_minutes AS
SELECT type, version, fields, minute, max(w_last_time) AS last_time,
    minState(w_first_ns) AS first_ns, maxState(w_last_ns) AS last_ns, uniqExactArrayState(w_records) AS records
FROM type_rows
GROUP BY type, version, fields, minute;

-- Which values of type, source and topic occur in which minute of event
-- time: a search for a value no flow has answers from here at once, and a
-- rare value narrows the flows to those active in its minutes.
CREATE TABLE IF NOT EXISTS value_minutes (
    field String,
    value String,
    minute Int64,
    last_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (field, value, minute);
