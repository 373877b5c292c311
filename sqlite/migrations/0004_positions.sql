-- Consumer-group positions (store.Positions): one row per observation of a
-- group's committed offset on a partition that moved since the last poll.
-- Times are int64 nanoseconds (UTC; the zero time is the minimum int64):
-- prev is the poll before at, oldest the Kafka time of the record at committed.
CREATE TABLE IF NOT EXISTS positions (
	grp       TEXT    NOT NULL,
	topic     TEXT    NOT NULL,
	part      INTEGER NOT NULL,
	at        INTEGER NOT NULL,
	committed INTEGER NOT NULL,
	high      INTEGER NOT NULL,
	prev      INTEGER NOT NULL,
	oldest    INTEGER NOT NULL,
	PRIMARY KEY (grp, topic, part, at)
) WITHOUT ROWID;
-- FirstPassed: the groups that passed an offset of a partition.
CREATE INDEX IF NOT EXISTS positions_passed ON positions (topic, part, committed);
-- PositionHistory over every group, by time.
CREATE INDEX IF NOT EXISTS positions_at ON positions (at);
