package alert

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

type fakeFailures struct{ recs []store.FailedRecord }

func (f *fakeFailures) FailedRecords(context.Context, store.FailureQuery) ([]store.FailedRecord, error) {
	return f.recs, nil
}

// receiver is a webhook receiver on loopback that fails the first fail requests.
type receiver struct {
	mu     sync.Mutex
	bodies []string
	fail   int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.bodies = append(r.bodies, string(b))
}

func TestNotifier(t *testing.T) {
	rcv := &receiver{fail: 1}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	rec := func(typ, reason string, at int) store.FailedRecord {
		return store.FailedRecord{Coord: store.Coord{Topic: "payments"}, Type: typ, Reason: reason, Source: "billing",
			FlowID: "f", Time: t0.Add(time.Duration(at) * time.Second)}
	}
	src := &fakeFailures{recs: []store.FailedRecord{rec("PaymentDeclined", "card 1 declined", 0)}}
	n := New(Config{URL: srv.URL, Format: FormatJSON, PerMinute: 2, Backoff: time.Millisecond}, src)
	if got, err := n.Check(t.Context(), t0); err != nil || len(got) != 0 {
		t.Fatalf("first check alerted %v, %v; want nothing (existing groups are known)", got, err)
	}
	// A new record of the known group, and two new groups (newest first).
	src.recs = append([]store.FailedRecord{rec("OrderFailed", "no stock", 3), rec("StockError", "timeout 5s", 2),
		rec("PaymentDeclined", "card 99 declined", 1)}, src.recs...)
	got, err := n.Check(t.Context(), t0.Add(time.Minute))
	if err != nil || len(got) != 2 || got[0].Type != "StockError" || got[0].Reason != "timeout <n>s" || got[1].Type != "OrderFailed" {
		t.Fatalf("second check sent %+v, %v; want StockError then OrderFailed", got, err)
	}
	if len(rcv.bodies) != 2 {
		t.Fatalf("receiver got %d alerts, want 2 (the first try failed with 503 and was retried)", len(rcv.bodies))
	}
	var a Alert
	if err := json.Unmarshal([]byte(rcv.bodies[0]), &a); err != nil || a.Kind != "new_failure_group" || a.Type != "StockError" {
		t.Errorf("plain body %s: %+v %v", rcv.bodies[0], a, err)
	}
	if got, _ := n.Check(t.Context(), t0.Add(2*time.Minute)); len(got) != 0 {
		t.Errorf("third check re-alerted %+v", got)
	}
	// Rate limit: 2 a minute; the third new group waits for the next
	// alert, which says how many were suppressed. Slack format.
	n.cfg.Format = FormatSlack
	src.recs = append([]store.FailedRecord{rec("C", "c", 12), rec("B", "b", 11), rec("A", "a", 10)}, src.recs...)
	if got, _ := n.Check(t.Context(), t0.Add(3*time.Minute)); len(got) != 2 {
		t.Errorf("rate-limited check sent %d, want 2", len(got))
	}
	src.recs = append([]store.FailedRecord{rec("D", "d", 13)}, src.recs...)
	got, _ = n.Check(t.Context(), t0.Add(5*time.Minute))
	if len(got) != 1 || got[0].Suppressed != 1 {
		t.Errorf("after the limit: %+v, want D with 1 suppressed", got)
	}
	last := rcv.bodies[len(rcv.bodies)-1]
	if !strings.HasPrefix(last, `{"text":"New failure group: D: d`) || !strings.Contains(last, "1 more alerts suppressed") {
		t.Errorf("slack body %s", last)
	}
}
