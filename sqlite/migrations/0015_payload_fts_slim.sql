-- The payload trigram index without positions (detail = 'none'): 0014's
-- positions made a write cost about 2.5 times as much CPU. A text search
-- now looks up payloads holding all of its trigrams and checks the phrase
-- in Go (sqlite/payload.go). Rebuilt from the events; the triggers of 0014
-- name the table and keep working.
DROP TABLE payload_fts;

CREATE VIRTUAL TABLE payload_fts USING fts5(payload, content = '', contentless_delete = 1, detail = 'none', tokenize = 'trigram');

INSERT INTO payload_fts (rowid, payload) SELECT id, payload FROM events;
