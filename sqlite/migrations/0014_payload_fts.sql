-- Quoted text ("card declined") is answered from a trigram index of the
-- stored payloads (after redaction and truncation: only what is stored is
-- findable). Contentless: it holds the trigrams and positions, not a
-- second copy of the payloads; its rowid is the event's id. Triggers keep
-- it in step with every write path; the INSERT backfills existing events.
CREATE VIRTUAL TABLE payload_fts USING fts5(payload, content = '', contentless_delete = 1, tokenize = 'trigram');

CREATE TRIGGER payload_fts_insert AFTER INSERT ON events BEGIN
	INSERT INTO payload_fts (rowid, payload) VALUES (new.id, new.payload);
END;

CREATE TRIGGER payload_fts_delete AFTER DELETE ON events BEGIN
	DELETE FROM payload_fts WHERE rowid = old.id;
END;

INSERT INTO payload_fts (rowid, payload) SELECT id, payload FROM events;
