package clickhouse

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/store"
)

var _ store.Audit = (*Store)(nil)

// WriteAudit implements store.Audit (table audit, 0011_audit.sql).
func (s *Store) WriteAudit(ctx context.Context, a store.AuditEntry) error {
	// A batch, as every insert here: Exec with arguments stalls on 18.x servers.
	err := insertRows(ctx, s.conn, `INSERT INTO audit (at_ns, usr, action, target, result, detail)`, 1,
		func(b driver.Batch) error {
			return b.Append(nanos(a.At), a.User, a.Action, a.Target, a.Result, a.Detail)
		})
	if err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}

// AuditLog implements store.Audit.
func (s *Store) AuditLog(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, error) {
	where, args := store.AuditWhere(q)
	sql := `SELECT at_ns, usr, action, target, result, detail FROM audit` + where + ` ORDER BY at_ns DESC, target, usr`
	if q.Limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := s.conn.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	out, err := store.ScanAudit(rows, timeOf)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
