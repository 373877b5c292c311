package ui

import (
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
)

// TestReplayFailureDoesNotLinger: after a dead-lettered payment is
// retried and authorized, "State so far" no longer shows the failure's
// error; the row says why it went; the page states the folding rule.
func TestReplayFailureDoesNotLinger(t *testing.T) {
	payload := func(e event.Event, p string) event.Event {
		e.Payload, e.PayloadSize = []byte(p), len(p)
		return e
	}
	evs := []event.Event{
		payload(ev("p1", "retried", "", "OrderPlaced", "orders", "orders", 0, 1, 0), `{"orderId":"o1"}`),
		payload(ev("p2", "retried", "p1", "OrderPlaced", "payment", "payments.DLT", 0, 1, 10), `{"orderId":"o1","paymentStatus":"dead_lettered","error":"payment gateway timeout"}`),
		payload(ev("p3", "retried", "p1", "PaymentAuthorized", "payment", "payments", 0, 1, 20), `{"orderId":"o1","paymentStatus":"authorized"}`),
	}
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	rec := ts.get(t, ReplayURL("retried")+"?step=3")
	if rec.Code != 200 {
		t.Fatalf("%d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	vals := map[string]string{}
	for _, f := range doc.Find(`[data-testid=state-field]`).EachIter() {
		vals[f.AttrOr("data-path", "")] = f.AttrOr("data-change", "")
	}
	if vals["error"] != "removed" || vals["paymentStatus"] != "changed" {
		t.Errorf("fields and changes %v: want error removed, paymentStatus changed", vals)
	}
	why := texts(doc, `[data-testid=state-why]`)
	if len(why) != 1 || why[0] != "set by the failure OrderPlaced at step 2; PaymentAuthorized superseded it" {
		t.Errorf("why %q", why)
	}
	if rule := doc.Find(`[data-testid=fold-rule]`).Text(); !strings.Contains(rule, "does not outlive its successor") {
		t.Errorf("the folding rule is not on the page: %q", rule)
	}
}
