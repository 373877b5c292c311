-- Issue 14: narrower entries in the two indexes every write inserts into
-- at random places (UUID event and flow IDs). Each commit rewrites every
-- index page its rows touch, and at 1M events these indexes outgrew the
-- writer's page cache, so a write paid for page reads, WAL frames and
-- checkpoints in proportion to their size.
-- events_event_id keeps only the ID (was event_id, flow_id, time: about
-- half the bytes): its readers (EventsByID, Resolve, id: search) read the
-- matching rows anyway. events_flow keeps flow and time (was flow_id,
-- time, topic, part, kafka_offset): a flow's records are read whole, and
-- SQLite sorts the ties of one time itself.
DROP INDEX IF EXISTS events_event_id;
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id);
DROP INDEX IF EXISTS events_flow;
CREATE INDEX IF NOT EXISTS events_flow ON events (flow_id, time);
