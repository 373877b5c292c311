-- The failures inbox (issue 18) lists failed records from event_classes
-- alone (sparse), never scanning events: it needs each record's event ID,
-- type, source, event time in nanoseconds and internal flag beside its
-- class. Rows written before this migration have them empty (0): readers
-- fall back to event_time for the time.
ALTER TABLE event_classes ADD COLUMN event_id String;
ALTER TABLE event_classes ADD COLUMN type String;
ALTER TABLE event_classes ADD COLUMN source String;
ALTER TABLE event_classes ADD COLUMN time_ns Int64;
ALTER TABLE event_classes ADD COLUMN internal UInt8
