-- The diagnose engine's view of records and flows (issue 13).
-- events.class is the record's diagnose.Class computed at write time, as
-- bits (1 dead letter, 2 failure, 4 compensation); reason its failure
-- reason. Old records on built-in dead-letter topic names are backfilled.
ALTER TABLE events ADD COLUMN class INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
UPDATE events SET class = 3 WHERE lower(topic) LIKE '%.dlt' OR lower(topic) LIKE '%-dlt'
	OR lower(topic) LIKE '%-dlq' OR lower(topic) LIKE '%.dlq' OR lower(topic) LIKE 'dlq.%';

-- flows keeps the flow's diagnose.Summary, recomputed by every write that
-- adds a record to the flow: kinds as bits (see kindBits in summary.go),
-- status the clock-free status (Summary.Base), the deciding failure's
-- reason and type, and stall_at (Summary.StallAt in nanoseconds, 0: none),
-- from which reads decide stalled and in_progress. Flows written before
-- this migration get their kinds from the old counters until their next
-- record arrives.
ALTER TABLE flows ADD COLUMN kinds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flows ADD COLUMN status TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE flows ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN failed_type TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN stall_at INTEGER NOT NULL DEFAULT 0;
UPDATE flows SET
	kinds = (CASE WHEN orphans > 0 THEN 1 ELSE 0 END) | (CASE WHEN duplicates > 0 THEN 2 ELSE 0 END)
		| (CASE WHEN out_of_order > 0 THEN 4 ELSE 0 END) | (CASE WHEN dead_letters > 0 THEN 16 ELSE 0 END),
	status = CASE WHEN dead_letters > 0 THEN 'failed' ELSE 'ok' END;
CREATE INDEX IF NOT EXISTS flows_status ON flows (status, last_time);

-- The orphans table (0006) kept the old incremental orphan bookkeeping;
-- the engine now computes a touched flow's diagnosis from its records.
DROP TABLE IF EXISTS orphans;
