package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// termFixture is three flows: two orders (the second ending on a
// dead-letter topic) and a keyed flow without a correlation ID. Listed
// newest first they are key:lonely, order-2, order-1.
func termFixture() []event.Event {
	g := NewGen(Base)
	ev := func(topic, corr, id, cause, typ, source, key, tenant, payload string, sec int) event.Event {
		e := g.Event(topic, corr, id, cause, time.Duration(sec)*time.Second)
		e.Type, e.Source, e.Key, e.Payload, e.PayloadSize = typ, source, key, []byte(payload), len(payload)
		e.Headers = nil
		if tenant != "" {
			e.Headers = []event.Header{{Key: "tenant", Value: tenant}, {Key: "x-trace", Value: "abc-" + id}}
		}
		return e
	}
	return []event.Event{
		ev("orders", "order-1", "o1-placed", "", "OrderPlaced", "orders", "order-1", "acme", `{"pizza":"margherita","size":"large"}`, 0),
		ev("payments", "order-1", "o1-pay", "o1-placed", "PaymentRequested", "payment", "order-1", "acme", `{"amount":12.5}`, 1),
		ev("orders", "order-2", "o2-placed", "", "OrderPlaced", "orders", "order-2", "globex", `{"pizza":"funghi"}`, 2),
		ev("payments.DLT", "order-2", "o2-fail", "o2-placed", "PaymentFailed", "payment", "order-2", "globex", `{"error":"card declined"}`, 3),
		ev("health", "", "p1", "", "Ping", "monitor", "lonely", "", "plain text ping", 4),
	}
}

func runTerms(t *testing.T, o Opener) {
	const f1, f2, f3 = "order-1", "order-2", "key:lonely"
	term := func(f store.Field, v string) store.Term { return store.Term{Field: f, Value: v} }
	prefix := func(f store.Field, v string) store.Term { return store.Term{Field: f, Value: v, Prefix: true} }
	not := func(tm store.Term) store.Term { tm.Negate = true; return tm }
	header := func(name, v string) store.Term { return store.Term{Field: store.FieldHeader, Name: name, Value: v} }
	tests := []termCase{
		{"no terms", nil, []string{f3, f2, f1}},
		{"type exact", []store.Term{term(store.FieldType, "OrderPlaced")}, []string{f2, f1}},
		{"type is not a prefix", []store.Term{term(store.FieldType, "Order")}, []string{}},
		{"type prefix", []store.Term{prefix(store.FieldType, "Payment")}, []string{f2, f1}},
		{"type longer prefix", []store.Term{prefix(store.FieldType, "PaymentF")}, []string{f2}},
		{"type empty prefix", []store.Term{prefix(store.FieldType, "")}, []string{f3, f2, f1}},
		{"type case-sensitive", []store.Term{term(store.FieldType, "orderplaced")}, []string{}},
		{"type negated", []store.Term{not(term(store.FieldType, "PaymentFailed"))}, []string{f3, f1}},
		{"type prefix negated", []store.Term{not(prefix(store.FieldType, "Payment"))}, []string{f3}},
		{"source", []store.Term{term(store.FieldSource, "payment")}, []string{f2, f1}},
		{"source prefix", []store.Term{prefix(store.FieldSource, "mon")}, []string{f3}},
		{"topic exact", []store.Term{term(store.FieldTopic, "payments")}, []string{f1}},
		{"topic prefix", []store.Term{prefix(store.FieldTopic, "payments")}, []string{f2, f1}},
		{"topic prefix with dot", []store.Term{prefix(store.FieldTopic, "payments.")}, []string{f2}},
		{"key", []store.Term{term(store.FieldKey, "order-1")}, []string{f1}},
		{"key prefix", []store.Term{prefix(store.FieldKey, "order-")}, []string{f2, f1}},
		{"key of fallback flow", []store.Term{term(store.FieldKey, "lonely")}, []string{f3}},
		{"header", []store.Term{header("tenant", "acme")}, []string{f1}},
		{"header value exact", []store.Term{header("tenant", "acm")}, []string{}},
		{"header value prefix", []store.Term{{Field: store.FieldHeader, Name: "tenant", Value: "ac", Prefix: true}}, []string{f1}},
		{"header name exact", []store.Term{header("Tenant", "acme")}, []string{}},
		{"header name is not a value", []store.Term{header("x-trace", "acme")}, []string{}},
		{"header other", []store.Term{header("x-trace", "abc-o2-fail")}, []string{f2}},
		{"header negated", []store.Term{not(header("tenant", "globex"))}, []string{f3, f1}},
		{"text", []store.Term{term(store.FieldText, "margherita")}, []string{f1}},
		{"text ignores case", []store.Term{term(store.FieldText, "Margherita")}, []string{f1}},
		{"text phrase ignores case", []store.Term{term(store.FieldText, "CARD Declined")}, []string{f2}},
		{"text substring", []store.Term{term(store.FieldText, "declin")}, []string{f2}},
		{"text with quotes", []store.Term{term(store.FieldText, `"pizza":"fun`)}, []string{f2}},
		{"text in several", []store.Term{term(store.FieldText, "pizza")}, []string{f2, f1}},
		{"text ignores prefix", []store.Term{prefix(store.FieldText, "izz")}, []string{f2, f1}},
		{"text negated", []store.Term{not(term(store.FieldText, "pizza"))}, []string{f3}},
		{"text plain payload", []store.Term{term(store.FieldText, "text ping")}, []string{f3}},
		{"id is flow ID", []store.Term{term(store.FieldID, "order-1")}, []string{f1}},
		{"id is event ID", []store.Term{term(store.FieldID, "o2-fail")}, []string{f2}},
		{"id is key", []store.Term{term(store.FieldID, "lonely")}, []string{f3}},
		{"id is fallback flow ID", []store.Term{term(store.FieldID, "key:lonely")}, []string{f3}},
		{"id exact", []store.Term{term(store.FieldID, "o1")}, []string{}},
		{"id prefix event ID", []store.Term{prefix(store.FieldID, "o2-")}, []string{f2}},
		{"id prefix flow ID", []store.Term{prefix(store.FieldID, "order-")}, []string{f2, f1}},
		{"id negated", []store.Term{not(term(store.FieldID, "o1-pay"))}, []string{f3, f2}},
		{"anomaly", []store.Term{term(store.FieldAnomaly, "dead_letter")}, []string{f2}},
		{"anomaly prefix", []store.Term{prefix(store.FieldAnomaly, "dead")}, []string{f2}},
		{"anomaly absent", []store.Term{term(store.FieldAnomaly, "orphan")}, []string{}},
		{"anomaly unknown", []store.Term{term(store.FieldAnomaly, "bogus")}, []string{}},
		{"anomaly negated", []store.Term{not(term(store.FieldAnomaly, "dead_letter"))}, []string{f3, f1}},
		{"anomaly unknown negated", []store.Term{not(term(store.FieldAnomaly, "bogus"))}, []string{f3, f2, f1}},
		{"terms may match different events", []store.Term{term(store.FieldType, "OrderPlaced"), term(store.FieldSource, "payment")}, []string{f2, f1}},
		{"terms and", []store.Term{term(store.FieldType, "OrderPlaced"), not(header("tenant", "globex"))}, []string{f1}},
		{"terms and nothing", []store.Term{term(store.FieldType, "PaymentFailed"), term(store.FieldText, "margherita")}, []string{}},
	}
	evs := termFixture()
	s := o.with(t, evs)
	checkTerms(t, s, evs, tests)
	t.Run("TermsWithWindow", func(t *testing.T) {
		q := store.FlowQuery{Terms: []store.Term{term(store.FieldType, "OrderPlaced")}, From: Base.Add(time.Second)}
		// order-1's OrderPlaced is before From but its payment is inside:
		// a flow matches with events in the window and events matching
		// the terms, not necessarily the same ones.
		want := []string{f2, f1}
		if got := flowIDs(mustFlows(t, s, q)); !slices.Equal(got, want) {
			t.Errorf("Flows = %v, want %v", got, want)
		}
	})
}

// termCase is a search and the flows it finds, newest first.
type termCase struct {
	name  string
	terms []store.Term
	want  []string
}

// checkTerms runs each case on s (holding evs) in one page and in pages
// of one, and against the reference.
func checkTerms(t *testing.T, s store.Store, evs []event.Event, tests []termCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := store.FlowQuery{Terms: tt.terms}
			if ref := refFlows(evs, q); !slices.Equal(ref, tt.want) {
				t.Fatalf("suite bug: reference gives %v, want %v", ref, tt.want)
			}
			if got := flowIDs(mustFlows(t, s, q)); !slices.Equal(got, tt.want) {
				t.Errorf("Flows(%s) = %v, want %v", fmtTerms(tt.terms), got, tt.want)
			}
			q.Limit = 1
			if got := summaryIDs(walk(t, s, q, nil)); !slices.Equal(got, tt.want) {
				t.Errorf("Flows(%s) in pages of 1 = %v, want %v", fmtTerms(tt.terms), got, tt.want)
			}
		})
	}
}

func summaryIDs(fs []store.FlowSummary) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.CorrelationID
	}
	return out
}

func fmtTerms(terms []store.Term) string {
	s := ""
	for _, tm := range terms {
		s += fmt.Sprintf("{%s name=%q op=%q value=%q prefix=%v negate=%v}", tm.Field, tm.Name, tm.Op, tm.Value, tm.Prefix, tm.Negate)
	}
	return s
}
