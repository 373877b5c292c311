-- Issue 24: the duplicate rule is "one event ID twice on one topic" (the
-- same ID on other topics is one event published to several topics, or a
-- derived copy). flow_summary gains the distinct (event ID, topic) pairs
-- of a flow (cityHash64 of event_id, NUL, topic: clickhouse/rollup.go
-- idTopicHash); a flow has a duplicate when it has more records than
-- pairs. Rows written before this migration have no pairs: readers fall
-- back to "more records than event IDs" for them (clickhouse/summary.go).
ALTER TABLE flow_rows ADD COLUMN w_id_topics Array(UInt64);
ALTER TABLE flow_summary ADD COLUMN id_topics AggregateFunction(uniqExactArray, Array(UInt64));
DROP TABLE IF EXISTS flow_summary_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS flow_summary_mv TO flow_summary AS
SELECT flow_id, max(w_last_time) AS last_time,
    minState(w_first_ns) AS first_ns, maxState(w_last_ns) AS last_ns,
    uniqExactArrayState(w_records) AS records,
    groupArrayArrayState(arrayMap((i, t) -> (i, t), w_ids, w_id_times)) AS id_times,
    groupArrayArrayState(arrayMap((i, t) -> (i, t), w_causes, w_cause_times)) AS cause_times,
    groupUniqArrayArrayState(w_services) AS services, groupUniqArrayArrayState(w_types) AS types,
    groupUniqArrayArrayState(w_topics) AS topics,
    maxState(w_dead_letter) AS dead_letter, groupBitOrState(w_flags) AS flags,
    uniqExactArrayState(w_id_topics) AS id_topics
FROM flow_rows
GROUP BY flow_id
