-- Events, one row per Kafka record. Times are int64 nanoseconds (UTC);
-- headers are an escaped BLOB (see codec.go). flow_id is Event.FlowID().
CREATE TABLE IF NOT EXISTS events (
	id             INTEGER PRIMARY KEY,
	flow_id        TEXT    NOT NULL,
	event_id       TEXT    NOT NULL,
	id_source      TEXT    NOT NULL,
	correlation_id TEXT    NOT NULL,
	causation_id   TEXT    NOT NULL,
	type           TEXT    NOT NULL,
	version        TEXT    NOT NULL,
	source         TEXT    NOT NULL,
	time           INTEGER NOT NULL,
	topic          TEXT    NOT NULL,
	part           INTEGER NOT NULL,
	kafka_offset   INTEGER NOT NULL,
	msg_key        TEXT    NOT NULL,
	kafka_time     INTEGER NOT NULL,
	ingested_at    INTEGER NOT NULL,
	headers        BLOB    NOT NULL,
	payload        BLOB    NOT NULL,
	payload_size   INTEGER NOT NULL,
	truncated      INTEGER NOT NULL,
	content_type   TEXT    NOT NULL,
	convention     TEXT    NOT NULL,
	decode_error   TEXT    NOT NULL
);

-- A record's identity: INSERT OR IGNORE on it makes writes idempotent.
CREATE UNIQUE INDEX IF NOT EXISTS events_record ON events (topic, part, kafka_offset);
-- Flow: one flow's events in display order (also time windows per flow).
CREATE INDEX IF NOT EXISTS events_flow ON events (flow_id, time, topic, part, kafka_offset);
-- EventsByID, Resolve, and the duplicate/orphan bookkeeping of Write.
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id, flow_id, time);
-- Effects of an event within its flow (orphan/out-of-order bookkeeping).
CREATE INDEX IF NOT EXISTS events_cause ON events (causation_id, flow_id, time) WHERE causation_id <> '';
-- Resolve by Kafka key, newest first.
CREATE INDEX IF NOT EXISTS events_key ON events (msg_key, time) WHERE msg_key <> '';

-- One row per flow, kept up to date by Write in the same transaction, so
-- that listing flows never scans events. services/types/topics are escaped
-- sorted lists of the non-empty values (searched with instr, see codec.go);
-- the four counters back FlowSummary.Anomalies (> 0: present).
CREATE TABLE IF NOT EXISTS flows (
	flow_id      TEXT    PRIMARY KEY,
	first_time   INTEGER NOT NULL,
	last_time    INTEGER NOT NULL,
	event_count  INTEGER NOT NULL,
	services     BLOB    NOT NULL,
	types        BLOB    NOT NULL,
	topics       BLOB    NOT NULL,
	duplicates   INTEGER NOT NULL,
	orphans      INTEGER NOT NULL,
	out_of_order INTEGER NOT NULL,
	dead_letters INTEGER NOT NULL
) WITHOUT ROWID;

-- Flows newest last event first, and the keyset cursor.
CREATE INDEX IF NOT EXISTS flows_recent ON flows (last_time, flow_id);

-- Events per topic for Stats.
CREATE TABLE IF NOT EXISTS topics (
	topic  TEXT    PRIMARY KEY,
	events INTEGER NOT NULL
) WITHOUT ROWID;
