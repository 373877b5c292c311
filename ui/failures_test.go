package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// failureFixture: two declined payments whose reasons differ by a number
// and a quoted value (one group), one of them compensated; a dead-lettered
// order nothing recovered (stuck); a normal order.
func failureFixture() []event.Event {
	ev := func(topic string, off int64, id, flow, cause, typ, src string, at time.Duration, payload string) event.Event {
		e := storetest.MakeEvent(topic, 0, off, id, flow, cause, t0.Add(at))
		e.Type, e.Source = typ, src
		if payload != "" {
			e.Payload = []byte(payload)
		}
		return e
	}
	return []event.Event{
		ev("orders", 0, "o1", "f1", "", "OrderPlaced", "web", 0, ""),
		ev("payments", 0, "p1", "f1", "o1", "PaymentDeclined", "billing", time.Second, `{"reason":"card 4242 declined: \"stolen\""}`),
		ev("orders", 1, "o2", "f2", "", "OrderPlaced", "web", time.Minute, ""),
		ev("payments", 1, "p2", "f2", "o2", "PaymentDeclined", "billing", time.Minute+time.Second, `{"reason":"card 1111 declined: \"expired\""}`),
		ev("orders", 2, "x2", "f2", "p2", "OrderCancelled", "web", time.Minute+2*time.Second, ""),
		ev("orders.DLT", 0, "o3", "f3", "", "OrderPlaced", "kitchen", 2*time.Minute, `{"error":"no stock"}`),
		ev("orders", 3, "o4", "f4", "", "OrderPlaced", "web", 3*time.Minute, ""),
	}
}

func TestAPIFailures(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, failureFixture()...)})
	var got failuresJSON
	rec := ts.get(t, "/api/failures")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/failures = %d %s", rec.Code, rec.Body)
	}
	decodeJSON(t, rec, &got)
	if len(got.Groups) != 2 {
		t.Fatalf("groups = %+v, want 2", got.Groups)
	}
	dl, pay := got.Groups[0], got.Groups[1]
	if dl.Type != "OrderPlaced" || dl.Reason != "no stock" || dl.Count != 1 || dl.DeadLetters != 1 || dl.State != failStuck ||
		strings.Join(dl.Topics, ",") != "orders.DLT" || strings.Join(dl.Flows, ",") != "f3" {
		t.Errorf("first group = %+v, want the stuck dead letter of f3", dl)
	}
	if pay.Type != "PaymentDeclined" || pay.Reason != "card <n> declined: <q>" || pay.Count != 2 || pay.State != failStuck ||
		strings.Join(pay.Services, ",") != "billing" || strings.Join(pay.Flows, ",") != "f2,f1" ||
		!pay.FirstSeen.Equal(t0.Add(time.Second)) || !pay.LastSeen.Equal(t0.Add(time.Minute+time.Second)) {
		t.Errorf("second group = %+v, want both declines", pay)
	}
	if len(pay.Records) != 2 || pay.Records[0].State != failCompensated || pay.Records[1].State != failStuck {
		t.Errorf("records = %+v, want f2's compensated then f1's stuck", pay.Records)
	}
	var sum int64
	for _, n := range pay.Counts {
		sum += n
	}
	if len(pay.Counts) != failureBuckets || sum != 2 {
		t.Errorf("counts = %v, want %d buckets summing to 2", pay.Counts, failureBuckets)
	}
	for q, want := range map[string]int{"service=kitchen": 1, "topic=payments": 1, "state=stuck": 2, "state=recovered": 0, "state=compensated": 0,
		"from=2026-11-23T10:01:30Z": 1, "service=nobody": 0} {
		var f failuresJSON
		decodeJSON(t, ts.get(t, "/api/failures?"+q), &f)
		if len(f.Groups) != want {
			t.Errorf("?%s: %d groups, want %d: %+v", q, len(f.Groups), want, f.Groups)
		}
	}
	for _, q := range []string{"state=bogus", "since=-1h", "from=yesterday"} {
		if rec := ts.get(t, "/api/failures?"+q); rec.Code != http.StatusBadRequest {
			t.Errorf("?%s = %d, want 400", q, rec.Code)
		}
	}
}

// TestFailuresCompensatedOrRecovered: a failure its flow compensated and a
// dead letter whose work was done on a retry are told apart.
func TestFailuresCompensatedOrRecovered(t *testing.T) {
	evs := failureFixture()[2:5] // f2: declined, then cancelled
	ev := func(topic string, off int64, id, cause, typ string, at time.Duration, payload string) event.Event {
		e := storetest.MakeEvent(topic, 0, off, id, "f5", cause, t0.Add(at))
		e.Type, e.Source, e.Payload = typ, "pay", []byte(payload)
		return e
	}
	evs = append(evs, ev("orders", 9, "o5", "", "OrderPlaced", 0, "{}"),
		ev("payments.DLT", 9, "d5", "o5", "OrderPlaced", time.Second, `{"error":"gateway timeout"}`),
		ev("payments", 9, "p5", "o5", "PaymentAuthorized", 2*time.Second, "{}"))
	ts := newTestServer(t, Options{Store: sqliteWith(t, evs...)})
	for state, typ := range map[string]string{failCompensated: "PaymentDeclined", failRecovered: "OrderPlaced"} {
		var f failuresJSON
		decodeJSON(t, ts.get(t, "/api/failures?state="+state), &f)
		if len(f.Groups) != 1 || f.Groups[0].Type != typ || f.Groups[0].Records[0].State != state {
			t.Errorf("%s groups = %+v, want one of %s", state, f.Groups, typ)
		}
	}
}

// TestFailuresRedrivenState: a record the audit log says was redriven
// makes its group redriven (once nothing in it is stuck); the page shows
// alerts from the audit log in their own table.
func TestFailuresRedrivenState(t *testing.T) {
	st := sqliteWith(t, failureFixture()...)
	if err := st.WriteAudit(t.Context(), store.AuditEntry{At: t0, User: "alice", Action: ActionRedrive,
		Target: "orders.DLT/0/0", Result: ResultOK}); err != nil {
		t.Fatal(err)
	}
	if err := st.WriteAudit(t.Context(), store.AuditEntry{At: t0, User: "eventscope", Action: ActionAlert,
		Target: "failure_rate", Result: "sent", Detail: "Failure rate: 9 × OrderPlaced"}); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, Options{Store: st})
	var f failuresJSON
	decodeJSON(t, ts.get(t, "/api/failures?state=redriven"), &f)
	if len(f.Groups) != 1 || f.Groups[0].Type != "OrderPlaced" || f.Groups[0].Records[0].State != failRedriven {
		t.Errorf("redriven groups = %+v, want the dead-lettered order", f.Groups)
	}
	// The page lists the alert apart from the redrive.
	body := ts.get(t, "/failures").Body.String()
	if strings.Count(body, `data-testid="alert-row" data-kind="failure_rate" data-result="sent"`) != 1 ||
		strings.Count(body, `data-testid="audit-row"`) != 1 {
		t.Errorf("page lacks the alert row or mixes it with redrives:\n%s", body)
	}
}

func TestFailuresPage(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, failureFixture()...)})
	rec := ts.get(t, "/failures?service=billing")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /failures = %d %s", rec.Code, body)
	}
	for _, want := range []string{`data-testid="nav-Failures"`, `data-type="PaymentDeclined"`, "card &lt;n&gt; declined: &lt;q&gt;",
		`href="/flows/f1"`, `data-testid="sparkline"`, `value="billing"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, `data-type="OrderPlaced"`) {
		t.Error("the service filter kept the kitchen's dead letter")
	}
	// counts agree with their nouns: the billing group has 2 events in 2
	// flows, the kitchen's dead letter 1 in 1 (issue 16 saw "1 newest
	// events, 1 flows")
	if !strings.Contains(body, "2 newest events, 2 flows") {
		t.Error(`the billing group lacks "2 newest events, 2 flows"`)
	}
	one := ts.get(t, "/failures?service=kitchen").Body.String()
	if !strings.Contains(one, "1 newest event, 1 flow<") || strings.Contains(one, "1 newest events") || strings.Contains(one, "1 flows") {
		t.Error(`the kitchen's group does not say "1 newest event, 1 flow"`)
	}
	// A store without the read model: the page says so, the API 501s.
	ts = newTestServer(t, Options{})
	if rec := ts.get(t, "/failures"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "failures-unavailable") {
		t.Errorf("/failures on a store without failures = %d, want 200 with a note", rec.Code)
	}
	if rec := ts.get(t, "/api/failures"); rec.Code != http.StatusNotImplemented {
		t.Errorf("/api/failures on a store without failures = %d, want 501", rec.Code)
	}
}
