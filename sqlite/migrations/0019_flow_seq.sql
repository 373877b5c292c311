-- Issue 14: a flow's records land together in the per-flow indexes.
-- events_flow and events_time were keyed by the flow's ID, a random UUID:
-- every insert went to a random page of a 50 MB index (at 1M events),
-- and each commit rewrote thousands of them. Each flow now gets a number
-- when its first record is stored (flow_seqs: every flow, internal ones
-- included; new flows take the next number), and the indexes key on it:
-- a batch's inserts land in the few pages of the flows that are active,
-- and the entries are a third of the size.
CREATE TABLE IF NOT EXISTS flow_seqs (
	seq     INTEGER PRIMARY KEY,
	flow_id TEXT    NOT NULL UNIQUE
);
INSERT INTO flow_seqs (seq, flow_id)
SELECT row_number() OVER (ORDER BY min(id)), flow_id FROM events GROUP BY flow_id;

ALTER TABLE events ADD COLUMN flow_seq INTEGER NOT NULL DEFAULT 0;
UPDATE events SET flow_seq = (SELECT seq FROM flow_seqs s WHERE s.flow_id = events.flow_id);
-- flows.seq: the listed flow's number, for the per-flow EXISTS of search.
ALTER TABLE flows ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE flows SET seq = coalesce((SELECT seq FROM flow_seqs s WHERE s.flow_id = flows.flow_id), 0);

DROP INDEX IF EXISTS events_flow;
CREATE INDEX IF NOT EXISTS events_flow ON events (flow_seq, time);
DROP INDEX IF EXISTS events_time;
CREATE INDEX IF NOT EXISTS events_time ON events (time, flow_seq);
