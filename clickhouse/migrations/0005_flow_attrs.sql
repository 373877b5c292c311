-- flow_attrs: (field, value) -> flow, for type:, source: and topic: terms:
-- the flows having an event of that type, source or topic are one range of
-- the sorting key (a prefix term too) instead of a scan of events. The view
-- runs on each inserted block, so a value repeated in a flow costs one row
-- per write, kept in the partition of the newest of those events. Empty
-- values are left out (a term never looks them up). field is the term's
-- field: 1 type, 2 source, 3 topic.
CREATE TABLE IF NOT EXISTS flow_attrs (
    field Enum8('type' = 1, 'source' = 2, 'topic' = 3),
    value String,
    flow_id String,
    last_time DateTime
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(last_time)
ORDER BY (field, value, flow_id)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_attrs_mv TO flow_attrs AS
SELECT CAST(f AS Enum8('type' = 1, 'source' = 2, 'topic' = 3)) AS field, v AS value, flow_id,
    max(event_time) AS last_time
FROM events
ARRAY JOIN ['type', 'source', 'topic'] AS f, [type, source, topic] AS v
WHERE v != ''
GROUP BY f, v, flow_id;

-- The events written before this migration (after the view exists, so
-- none is missed; one written in between counts twice, which merges
-- collapse and readers never see).
INSERT INTO flow_attrs (field, value, flow_id, last_time)
SELECT CAST(f AS Enum8('type' = 1, 'source' = 2, 'topic' = 3)), v, flow_id, event_time
FROM events
ARRAY JOIN ['type', 'source', 'topic'] AS f, [type, source, topic] AS v
WHERE v != ''
