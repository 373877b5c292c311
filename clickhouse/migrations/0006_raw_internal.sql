-- Issue 24: the raw copies of a wrapped value and key (a Kafka Connect
-- envelope, a JSON string key) and the internal-topic flag. payload and key
-- hold what the envelope wrapped (an envelope is never empty, so an empty
-- payload_raw means none). Internal records are stored but left out of flow summaries,
-- searches and counts (internal = 0 in those queries).
ALTER TABLE events ADD COLUMN payload_raw String;
ALTER TABLE events ADD COLUMN key_raw String;
ALTER TABLE events ADD COLUMN internal UInt8
