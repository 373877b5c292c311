package store

import (
	"strings"
	"time"
)

// AuditWhere is the WHERE clause (" WHERE ..." or "") and arguments that
// select q's entries in a table with columns action, target and result,
// with "?" placeholders: both backends use it.
func AuditWhere(q AuditQuery) (string, []any) {
	var conds []string
	var args []any
	for _, f := range []struct{ col, v string }{{"action", q.Action}, {"target", q.Target}, {"result", q.Result}} {
		if f.v != "" {
			conds = append(conds, f.col+" = ?")
			args = append(args, f.v)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ScanAudit reads rows of (at, user, action, target, result, detail), at
// as an int64 that timeOf turns into a time. It closes rows.
func ScanAudit(rows Rows, timeOf func(int64) time.Time) ([]AuditEntry, error) {
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var a AuditEntry
		var at int64
		if err := rows.Scan(&at, &a.User, &a.Action, &a.Target, &a.Result, &a.Detail); err != nil {
			return nil, err
		}
		a.At = timeOf(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
