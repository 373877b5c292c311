-- The failures inbox (issue 18): failed and dead-lettered records by event
-- time, from the class Write computes (0009_diagnosis.sql), so listing
-- them reads only them. Sparse: most records are no failure.
CREATE INDEX IF NOT EXISTS events_failed ON events (time) WHERE class & 2 <> 0;
