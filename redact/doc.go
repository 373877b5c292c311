// Package redact removes or masks sensitive values in events at ingest,
// before anything is stored: record headers by name and JSON payload values
// by path (with wildcards), per topic pattern. A masked value becomes a
// stable keyed hash ("redacted:" + truncated HMAC-SHA256 hex), so equal
// values still correlate across events, headers and payloads; a dropped
// value is removed. ID fields (event, correlation and causation ID, key)
// that carried a redacted value take its hash, so flows stay linked without
// keeping the secret. Topics no rule names cost one cached map lookup.
package redact
