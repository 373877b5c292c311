package ui

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// compareFixture: three "happy" flows of one shape (OrderPlaced →
// PizzaPrepared, PaymentAuthorized), one "failed" flow whose payment
// failed and whose kitchen prepared twice, and one flow of another root.
func compareFixture() []event.Event {
	var evs []event.Event
	flow := func(id string, base int, types ...string) {
		evs = append(evs, ev(id+"-1", id, "", "OrderPlaced", "orders", "orders", 0, int64(base), base))
		for i, t := range types {
			evs = append(evs, ev(id+"-"+itoa(i+2), id, id+"-1", t, "svc", "t", 0, int64(base+i+1), base+10*(i+1)))
		}
	}
	flow("happy-1", 0, "PizzaPrepared", "PaymentAuthorized")
	flow("happy-2", 1000, "PizzaPrepared", "PaymentAuthorized")
	flow("happy-3", 2000, "PizzaPrepared", "PaymentAuthorized")
	flow("failed", 3000, "PizzaPrepared", "PizzaPrepared", "PaymentFailed")
	evs = append(evs, ev("other-1", "other", "", "StockCounted", "stock", "stock", 0, 9, 4000))
	return evs
}

func TestComparePageMarksTheDifference(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(compareFixture()...)})
	rec := ts.get(t, CompareURL("happy-1", "failed"))
	if rec.Code != http.StatusOK {
		t.Fatalf("%d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	classes := map[string]string{}
	for _, r := range doc.Find(`[data-testid=compare-type]`).EachIter() {
		classes[r.AttrOr("data-type", "")] = r.AttrOr("data-class", "")
	}
	want := map[string]string{"OrderPlaced": "", "PizzaPrepared": "extra", "PaymentAuthorized": "only-a", "PaymentFailed": "only-b"}
	for k, v := range want {
		if classes[k] != v {
			t.Errorf("type %s: class %q, want %q (all %v)", k, classes[k], v, classes)
		}
	}
	b := doc.Find(`[data-testid=compare-side][data-side=B]`)
	if n := b.Find(`.node.diff-only`).Length(); n != 1 {
		t.Errorf("B marks %d boxes as only in B, want 1 (PaymentFailed)", n)
	}
	if n := b.Find(`.node.diff-extra`).Length(); n != 1 {
		t.Errorf("B marks %d boxes as extra, want 1 (the second PizzaPrepared)", n)
	}
	if n := doc.Find(`[data-testid=compare-side][data-side=A] .edges .diff-only`).Length(); n != 1 {
		t.Errorf("A marks %d arrows as only in A, want 1 (→ PaymentAuthorized)", n)
	}
	if n := doc.Find(`svg marker#cA-arrow`).Length() + doc.Find(`svg marker#cB-arrow`).Length(); n != 2 {
		t.Errorf("arrowhead IDs not distinct per graph")
	}
	var delta string
	for _, r := range doc.Find(`[data-testid=compare-hop]`).EachIter() {
		if r.AttrOr("data-to", "") == "PizzaPrepared" {
			delta = strings.TrimSpace(r.Find(`[data-testid=hop-delta]`).Text())
		}
	}
	if delta != "0 ms" { // both at +10 ms (nearest-rank median of B's 10 and 20)
		t.Errorf("PizzaPrepared hop delta %q", delta)
	}
}

func TestCompareTypicalPicksTheCommonShape(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(compareFixture()...)})
	var got compareJSON
	rec := ts.get(t, "/api/compare?a=failed&b=typical")
	decodeJSON(t, rec, &got)
	if got.Typical == nil || got.Typical.Sampled != 3 || got.Typical.Matching != 3 || got.Typical.RootType != "OrderPlaced" {
		t.Fatalf("typical pick %+v", got.Typical)
	}
	if got.B.CorrelationID != "happy-3" { // the newest of the common shape
		t.Errorf("b = %q, want happy-3", got.B.CorrelationID)
	}
	if got.Same || len(got.Types) != 4 {
		t.Errorf("same %v, types %+v", got.Same, got.Types)
	}
	var hop graph.HopDiff
	for _, h := range got.Hops {
		if h.To == "PaymentFailed" {
			hop = h
		}
	}
	if hop.A != 1 || hop.B != 0 || hop.DeltaMS != nil {
		t.Errorf("OrderPlaced→PaymentFailed: %+v", hop)
	}
	// the page links to the comparison with the pick named
	doc := parseHTML(t, ts.get(t, CompareURL("failed", Typical)).Body.String())
	if href := doc.Find(`[data-testid=compare-permalink]`).AttrOr("href", ""); href != CompareURL("failed", "happy-3") {
		t.Errorf("permalink %q", href)
	}
	// and the flow page links to it
	doc = parseHTML(t, ts.get(t, FlowURL("failed")).Body.String())
	if href := doc.Find(`[data-testid=compare-typical]`).AttrOr("href", ""); href != CompareURL("failed", Typical) {
		t.Errorf("flow page's compare link %q", href)
	}
}

func TestCompareErrors(t *testing.T) {
	ts := newTestServer(t, Options{Store: newFakeStore(compareFixture()...)})
	for _, tc := range []struct {
		target string
		code   int
		msg    string
	}{
		{"/api/compare", 400, "missing a"},
		{"/api/compare?a=nope&b=failed", 404, `flow \"nope\": not found`},
		{"/api/compare?a=failed&b=nope", 404, `flow \"nope\": not found`},
		{"/api/compare?a=other", 404, "no other flow starts with StockCounted"},
		{"/compare?a=other&b=typical", 404, "no other flow starts with StockCounted"},
	} {
		rec := ts.get(t, tc.target)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.msg) {
			t.Errorf("%s: %d %s, want %d with %q", tc.target, rec.Code, rec.Body, tc.code, tc.msg)
		}
	}
}

// TestCompareRecoveredDeadLetter: flow "recovered" was parked on
// payments.DLT (a new OrderPlaced record caused by the order, as the demo
// does) and then charged. Against a healthy flow its dead letter is no
// "repeated more" OrderPlaced and no extra hop: same shape, the dead
// letter listed apart and its box not marked.
func TestCompareRecoveredDeadLetter(t *testing.T) {
	evs := compareFixture()
	evs = append(evs,
		ev("rec-1", "recovered", "", "OrderPlaced", "orders", "orders", 0, 20, 5000),
		ev("rec-2", "recovered", "rec-1", "PizzaPrepared", "svc", "t", 0, 21, 5010),
		ev("rec-d", "recovered", "rec-1", "OrderPlaced", "payments", "payments.DLT", 0, 0, 5100),
		ev("rec-3", "recovered", "rec-1", "PaymentAuthorized", "svc", "t", 0, 22, 6000))
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	rec := ts.get(t, CompareURL("recovered", "happy-1"))
	if rec.Code != http.StatusOK {
		t.Fatalf("%d: %s", rec.Code, rec.Body)
	}
	doc := parseHTML(t, rec.Body.String())
	for _, r := range doc.Find(`[data-testid=compare-type]`).EachIter() {
		if c := r.AttrOr("data-class", ""); c != "" {
			t.Errorf("type %s marked %q; want no difference", r.AttrOr("data-type", ""), c)
		}
	}
	for _, r := range doc.Find(`[data-testid=compare-hop]`).EachIter() {
		if c := r.AttrOr("data-class", ""); c == "only-a" || c == "only-b" {
			t.Errorf("hop %s→%s marked %q; want no hop of the dead letter", r.AttrOr("data-from", ""), r.AttrOr("data-to", ""), c)
		}
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid=compare-summary]`).Text()); !strings.HasPrefix(got, "Same shape") {
		t.Errorf("summary %q, want the same shape", got)
	}
	resent := doc.Find(`[data-testid=compare-resent]`)
	if resent.Length() != 1 || resent.AttrOr("data-type", "") != "OrderPlaced" || !strings.Contains(resent.Text(), "not compared") {
		t.Errorf("resent rows %q, want the dead-lettered OrderPlaced, not compared", resent.Text())
	}
	a := doc.Find(`[data-testid=compare-side][data-side=A]`)
	if n := a.Find(`.node.diff-extra, .node.diff-only, .edges .diff-only`).Length(); n != 0 {
		t.Errorf("A marks %d boxes or arrows as different; want none", n)
	}
	var got compareJSON
	decodeJSON(t, ts.get(t, "/api/compare?a=recovered&b=happy-1"), &got)
	if !got.Same || len(got.Resent) != 1 || got.Resent[0] != (graph.TypeDiff{Type: "OrderPlaced", A: 1}) {
		t.Errorf("api: same_shape %v, resent %+v; want the same shape and one resent OrderPlaced in A", got.Same, got.Resent)
	}
}
