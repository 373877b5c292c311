package alert

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

type fakeAudit struct{ es []store.AuditEntry }

func (f *fakeAudit) WriteAudit(_ context.Context, e store.AuditEntry) error {
	f.es = append(f.es, e)
	return nil
}

func (f *fakeAudit) AuditLog(_ context.Context, q store.AuditQuery) ([]store.AuditEntry, error) {
	var out []store.AuditEntry
	for _, e := range f.es {
		if (q.Action == "" || e.Action == q.Action) && (q.Result == "" || e.Result == q.Result) {
			out = append(out, e)
		}
	}
	return out, nil
}

// TestRateAndStuck: a group crossing 3 failures in 5 minutes alerts once
// (not again while it stays above, again after it dropped below); dead
// letters of a failing flow stuck longer than 10 minutes alert once,
// not when redriven; every alert is in the audit log.
func TestRateAndStuck(t *testing.T) {
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	rec := func(off int64, typ string, at time.Duration, dl bool) store.FailedRecord {
		return store.FailedRecord{Coord: store.Coord{Topic: "payments.DLT", Offset: off}, Type: typ, Reason: "timeout 30s",
			Source: "billing", FlowID: "f", Time: t0.Add(at), DeadLetter: dl, FlowStatus: "failed"}
	}
	src := &fakeFailures{recs: []store.FailedRecord{rec(1, "Pay", 0, false)}}
	au := &fakeAudit{}
	n := New(Config{URL: srv.URL, Format: FormatJSON, Rate: 3, StuckAfter: 10 * time.Minute, Audit: au, Backoff: time.Millisecond}, src)
	kinds := func(as []Alert) string {
		var ks []string
		for _, a := range as {
			ks = append(ks, a.Kind+":"+a.Type)
		}
		return strings.Join(ks, ",")
	}
	check := func(at time.Duration, want string) {
		t.Helper()
		got, err := n.Check(t.Context(), t0.Add(at))
		if err != nil || kinds(got) != want {
			t.Errorf("at +%s: alerts %q, %v; want %q", at, kinds(got), err, want)
		}
	}
	check(time.Minute, "")
	src.recs = append([]store.FailedRecord{rec(3, "Pay", 2*time.Minute, false), rec(2, "Pay", time.Minute, false)}, src.recs...)
	check(2*time.Minute, KindRate+":Pay")
	src.recs = append([]store.FailedRecord{rec(4, "Pay", 3*time.Minute, false)}, src.recs...)
	check(3*time.Minute, "")  // still above: no second alert
	check(30*time.Minute, "") // the window emptied: cleared
	src.recs = append([]store.FailedRecord{rec(7, "Pay", 31*time.Minute, false), rec(6, "Pay", 31*time.Minute, false),
		rec(5, "Pay", 31*time.Minute, false)}, src.recs...)
	check(32*time.Minute, KindRate+":Pay")

	// Stuck dead letters: a new group (alerted as new), stuck after 10m.
	src.recs = append([]store.FailedRecord{rec(8, "Ship", 33*time.Minute, true)}, src.recs...)
	check(34*time.Minute, KindNewGroup+":Ship")
	check(44*time.Minute, KindStuck+":Ship")
	check(50*time.Minute, "")
	// Redriven: no longer stuck; a new stuck one alerts again.
	au.es = append(au.es, store.AuditEntry{Action: "redrive", Result: "ok", Target: "payments.DLT/0/8"})
	check(51*time.Minute, "")
	src.recs = append([]store.FailedRecord{rec(9, "Ship", 52*time.Minute, true)}, src.recs...)
	check(70*time.Minute, KindStuck+":Ship")

	var sent []string
	for _, e := range au.es {
		if e.Action == Action {
			sent = append(sent, e.Target+"/"+e.Result)
		}
	}
	want := "failure_rate/sent,failure_rate/sent,new_failure_group/sent,stuck_dead_letters/sent,stuck_dead_letters/sent"
	if strings.Join(sent, ",") != want {
		t.Errorf("audit log %v, want %s", sent, want)
	}
	if len(rcv.bodies) != 5 || !strings.Contains(rcv.bodies[3], `"kind":"stuck_dead_letters"`) || !strings.Contains(rcv.bodies[3], `"count":1`) {
		t.Errorf("receiver got %d: %v", len(rcv.bodies), rcv.bodies)
	}
}
