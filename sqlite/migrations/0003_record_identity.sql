-- A record's identity includes its Kafka timestamp: a topic that is deleted
-- and created again (or the demo's new embedded broker) hands out the same
-- offsets again, and those records must not be mistaken for redeliveries.
-- A redelivered record carries the same timestamp, so it is still ignored.
DROP INDEX IF EXISTS events_record;
CREATE UNIQUE INDEX IF NOT EXISTS events_record ON events (topic, part, kafka_offset, kafka_time);
