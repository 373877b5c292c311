package sqlite

import (
	"context"
	"fmt"

	"github.com/eventscope/eventscope/store"
)

var _ store.Audit = (*Store)(nil)

// WriteAudit implements store.Audit (table audit, 0013_audit.sql).
func (s *Store) WriteAudit(ctx context.Context, a store.AuditEntry) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO audit (at, usr, action, target, result, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		nanos(a.At), a.User, a.Action, a.Target, a.Result, a.Detail); err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}

// AuditLog implements store.Audit.
func (s *Store) AuditLog(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, error) {
	where, args := store.AuditWhere(q)
	sql := `SELECT at, usr, action, target, result, detail FROM audit` + where + ` ORDER BY at DESC, target, usr`
	if q.Limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := s.r.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	out, err := store.ScanAudit(rows, fromNanos)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
