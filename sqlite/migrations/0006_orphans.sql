-- orphans: the records whose cause has no record in their flow (yet), one
-- row each, kept by Write. When the cause arrives, Write finds its orphans
-- here (it reads the orphans of the flows it writes to that have some)
-- instead of looking up every new event's effects: the index on
-- causation_id that served that lookup is dropped, one random-key index
-- fewer on every insert. Filled once from the stored events.
CREATE TABLE IF NOT EXISTS orphans (
	flow_id  TEXT    NOT NULL,
	cause_id TEXT    NOT NULL,
	time     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orphans_flow ON orphans (flow_id, cause_id);
INSERT INTO orphans (flow_id, cause_id, time)
SELECT e.flow_id, e.causation_id, e.time FROM events e
WHERE e.causation_id <> '' AND e.causation_id <> e.event_id AND e.internal = 0
  AND NOT EXISTS (SELECT 1 FROM events c WHERE c.event_id = e.causation_id AND c.flow_id = e.flow_id)
  AND NOT EXISTS (SELECT 1 FROM orphans);
DROP INDEX IF EXISTS events_cause;
