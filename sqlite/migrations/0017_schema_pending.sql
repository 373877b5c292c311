-- Records waiting for their schema (issue 19): a wire-format payload whose
-- schema could not be had at ingest has a decode note starting "schema N: ".
-- Rewrite stores them again once the schema is known; Undecoded finds them
-- here without reading the events table. Sparse: most records have none.
CREATE INDEX IF NOT EXISTS events_schema_pending ON events (decode_error) WHERE substr(decode_error, 1, 7) = 'schema ';
