-- flow_verdicts gains the flow's topics (issue 12), so that topic: searches
-- read the verdicts' last-time range like type: and source: do, instead of
-- merging flow_summary windows. Only a column is added (no backfill: an
-- existing database comes up at once). Rows written before this migration
-- have topics_known = 0: while the table holds any, topic: terms are
-- searched as before (clickhouse/diagnosed.go); the verdict pass writes
-- both columns from then on, and retention drops the old rows in time.
ALTER TABLE flow_verdicts ADD COLUMN topics Array(String);
ALTER TABLE flow_verdicts ADD COLUMN topics_known UInt8
