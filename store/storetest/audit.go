package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/store"
)

// runAudit checks store.Audit: entries round-trip, newest first, filtered
// by action, target and result, limited.
func runAudit(t *testing.T, o Opener, lacks []Capability) {
	au := capable[store.Audit](t, o.fresh(t), Audit, lacks)
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 123456789, time.UTC)
	es := []store.AuditEntry{
		{At: t0, User: "alice", Action: "redrive", Target: "orders.DLT/0/5", Result: "dry-run", Detail: "would produce to orders"},
		{At: t0.Add(time.Second), User: "alice", Action: "redrive", Target: "orders.DLT/0/5", Result: "ok", Detail: "orders/1/77"},
		{At: t0.Add(2 * time.Second), User: "token", Action: "redrive", Target: "payments-dlq/2/9", Result: "error", Detail: "broker down 'x' \"y\""},
	}
	for _, e := range es {
		if err := au.WriteAudit(t.Context(), e); err != nil {
			t.Fatalf("WriteAudit: %v", err)
		}
	}
	for _, c := range []struct {
		name string
		q    store.AuditQuery
		want []store.AuditEntry
	}{
		{"all", store.AuditQuery{}, []store.AuditEntry{es[2], es[1], es[0]}},
		{"target", store.AuditQuery{Target: "orders.DLT/0/5"}, []store.AuditEntry{es[1], es[0]}},
		{"result", store.AuditQuery{Action: "redrive", Target: "orders.DLT/0/5", Result: "ok"}, []store.AuditEntry{es[1]}},
		{"limit", store.AuditQuery{Limit: 1}, []store.AuditEntry{es[2]}},
		{"none", store.AuditQuery{Action: "delete"}, []store.AuditEntry{}},
	} {
		got, err := au.AuditLog(t.Context(), c.q)
		if err != nil {
			t.Fatalf("%s: AuditLog: %v", c.name, err)
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%s: AuditLog(%+v) -want +got:\n%s", c.name, c.q, d)
		}
	}
}
