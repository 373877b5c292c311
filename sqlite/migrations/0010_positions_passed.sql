-- FirstPassed seeks, per group reading a partition, the lowest committed
-- offset above a record's (see positions.go) instead of reading every
-- later row of the partition.
DROP INDEX IF EXISTS positions_passed;
CREATE INDEX IF NOT EXISTS positions_passed_group ON positions (topic, part, grp, committed);
