package store

import (
	"context"
	"time"
)

// Audit is an optional interface a Store may also implement: the log of
// what people did through eventscope (redrives of dead-lettered records),
// kept with the events. The UI finds it with a type assertion; actions
// that must be audited are refused by a store without it.
type Audit interface {
	// WriteAudit stores one entry; it returns nil only once it is durable.
	WriteAudit(ctx context.Context, a AuditEntry) error
	// AuditLog returns the entries matching q, the newest first (ties:
	// target, then user), at most q.Limit (all when Limit <= 0).
	AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}

// AuditEntry is one action: who did what to which target, when, with what
// result.
type AuditEntry struct {
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Action string    `json:"action"` // e.g. "redrive"
	Target string    `json:"target"` // e.g. the record's "topic/partition/offset"
	// Result is "ok", "dry-run", "refused" or "error"; Detail says more
	// (where the record went, why it failed).
	Result string `json:"result"`
	Detail string `json:"detail"`
}

// AuditQuery selects audit entries: every field set must match exactly.
type AuditQuery struct {
	Action, Target, Result string
	Limit                  int
}
