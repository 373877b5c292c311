-- Issue 24: the raw copies of a wrapped value and key (a Kafka Connect
-- envelope, a JSON string key) and the internal-topic flag. payload and
-- msg_key hold what the envelope wrapped; internal records are stored but
-- kept out of the flows summaries and topic counts (see write.go).
ALTER TABLE events ADD COLUMN payload_raw BLOB;
ALTER TABLE events ADD COLUMN key_raw TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
