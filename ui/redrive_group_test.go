package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/redrive"
)

var recordRE = regexp.MustCompile(`name="record" value="([^"]+)"`)

// TestRedriveGroup: a failure group's two dead letters (one on a legacy
// topic whose origin header is configured per topic) are confirmed on one
// page and redriven by one POST, rate-limited and audited; a second POST
// produces nothing (409); a record the page did not list is refused.
func TestRedriveGroup(t *testing.T) {
	p := &fakeProducer{}
	legacy := springDeadLetter(3, "k-3", "boom 7")
	legacy.Topic, legacy.Headers = "legacy-dlq", []event.Header{{Key: "correlation-id", Value: "f9"},
		{Key: "x-source-topic", Value: "payments"}, {Key: "kafka_dlt-exception-message", Value: "boom 7"}}
	legacy.Time = legacy.Time.Add(-time.Minute)
	o := &RedriveOptions{Producer: p, Operators: []string{"alice"}, Secret: []byte("s"), PerSecond: 10,
		Origins: redrive.Origins{{Topic: "legacy-*", Headers: []string{"x-source-topic"}}}}
	h := redriveServerWith(t, o, springDeadLetter(7, "k-9", "boom 42"), legacy)

	page := "/failures/redrive/group?" + url.Values{"type": {"PaymentRequested"}, "reason": {"boom <n>"}}.Encode()
	if body := do(t, h, "GET", "/failures", "alice", nil).Body.String(); !strings.Contains(body, `href="`+strings.ReplaceAll(page, "&", "&amp;")+`"`) {
		t.Errorf("/failures has no group redrive link %s", page)
	}
	if rec := do(t, h, "GET", page, "bob", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a non-operator's group page = %d, want 403", rec.Code)
	}
	rec := do(t, h, "GET", page, "alice", nil)
	body := rec.Body.String()
	recs := recordRE.FindAllStringSubmatch(body, -1)
	tok := tokenRE.FindStringSubmatch(body)
	if rec.Code != http.StatusOK || len(recs) != 2 || tok == nil || strings.Count(body, "eventscope-redriven-by") != 2 ||
		!strings.Contains(body, "x-source-topic") {
		t.Fatalf("group page = %d, records %v:\n%s", rec.Code, recs, body)
	}
	form := url.Values{"type": {"PaymentRequested"}, "reason": {"boom <n>"}, "token": {tok[1]}}
	for _, m := range recs {
		form.Add("record", m[1])
	}
	tampered := url.Values{"type": form["type"], "reason": form["reason"], "token": form["token"], "record": {"orders.DLT/0/0"}}
	if rec := do(t, h, "POST", "/failures/redrive/group", "alice", tampered); rec.Code != http.StatusForbidden || p.count() != 0 {
		t.Errorf("a record the page did not list = %d, produced %d; want 403", rec.Code, p.count())
	}
	start := time.Now()
	if rec := do(t, h, "POST", "/failures/redrive/group", "alice", form); rec.Code != http.StatusOK || p.count() != 2 ||
		strings.Count(rec.Body.String(), `data-testid="redrive-result" data-result="ok"`) != 2 {
		t.Fatalf("group redrive = %d, produced %d:\n%s", rec.Code, p.count(), rec.Body)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("two records at 10/s took %s, want >= 100ms", d)
	}
	for _, r := range p.recs {
		if r.Topic != "payments" || r.Headers[len(r.Headers)-1] != (event.Header{Key: redrive.HeaderBy, Value: "alice"}) {
			t.Errorf("produced %+v", r)
		}
	}
	if rec := do(t, h, "POST", "/failures/redrive/group", "alice", form); rec.Code != http.StatusConflict || p.count() != 2 {
		t.Errorf("second group redrive = %d, produced %d; want 409, nothing", rec.Code, p.count())
	}
	body = do(t, h, "GET", "/failures", "alice", nil).Body.String()
	if n := strings.Count(body, "group PaymentRequested: boom &lt;n&gt;: "); n != 4 {
		t.Errorf("audit log shows %d group entries, want 4 (2 ok, 2 refused)", n)
	}
}
