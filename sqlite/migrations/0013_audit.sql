-- The audit log (issue 18): who redrove which dead-lettered record, when,
-- with what result. at is int64 nanoseconds.
CREATE TABLE IF NOT EXISTS audit (
	at     INTEGER NOT NULL,
	usr    TEXT    NOT NULL,
	action TEXT    NOT NULL,
	target TEXT    NOT NULL,
	result TEXT    NOT NULL,
	detail TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_target ON audit (target, at);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
