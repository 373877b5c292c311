package storetest

import (
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// payloadFixture is five flows with JSON payloads of every shape a field
// search meets: nested objects, arrays of objects and of scalars, numbers
// written as strings, Unicode keys and values, a field one flow lacks, a
// value redacted at ingest (the store keeps the "redacted:" hash only)
// and a payload truncated at the size cap. Newest first: p5 … p1.
func payloadFixture() []event.Event {
	g := NewGen(Base)
	ev := func(corr, id, typ, payload string, sec int) event.Event {
		e := g.Event("payments", corr, id, "", time.Duration(sec)*time.Second)
		e.Type, e.Payload, e.PayloadSize = typ, []byte(payload), len(payload)
		return e
	}
	trunc := ev("p5", "p5-a", "OrderPlaced", `{"customer":{"id":"cus-5"},"items":[{"sku":"A-17"},{"sku":"Z-`, 9)
	trunc.PayloadSize, trunc.Truncated = 4096, true
	// Runes that unicode.ToLower turns into ASCII letters (U+0130 İ, U+212A
	// Kelvin sign), which an index may fold otherwise.
	fold := g.Event("payments", "p3", "p3-b", "", 3*time.Second+500*time.Millisecond)
	fold.Type, fold.Payload = "Ping", []byte(`{"note":"İSTANBUL Kelvin","big":"1e300"}`)
	fold.Payload = []byte(strings.NewReplacer(`İ`, "İ", `K`, "K").Replace(string(fold.Payload)))
	fold.PayloadSize = len(fold.Payload)
	return []event.Event{
		ev("p1", "p1-a", "OrderPlaced", `{"customer":{"id":"cus-1001","name":"Zoë"},"amount":750,"items":[{"sku":"A-17","qty":2},{"sku":"B-2"}]}`, 0),
		ev("p1", "p1-b", "PaymentFailed", `{"error":"card declined","amount":"750.00","refund":null}`, 1),
		ev("p2", "p2-a", "OrderPlaced", `{"customer":{"id":"cus-1002","name":"ZOË"},"amount":"120","tags":["rush","gift"]}`, 2),
		ev("p3", "p3-a", "OrderPlaced", `{"Kunde":{"Straße":"Hauptstraße 1"},"amount":"n/a","items":[]}`, 3),
		ev("p4", "p4-a", "PaymentAuthorized", `{"customer":{"id":"redacted:9f2c1a77e0b4"},"amount":499.99,"card":{"number":"redacted:0a1b2c3d4e5f"}}`, 4),
		ev("p4", "p4-b", "Ping", `plain text "customer":{"id":"cus-1001"}`, 5),
		fold,
		trunc,
	}
}

func runPayloadTerms(t *testing.T, o Opener) {
	eq := func(path, v string) store.Term { return store.Term{Field: store.FieldPayload, Name: path, Value: v} }
	pre := func(path, v string) store.Term { tm := eq(path, v); tm.Prefix = true; return tm }
	cmp := func(path string, op store.Op, v string) store.Term { tm := eq(path, v); tm.Op = op; return tm }
	has := func(path string) store.Term {
		return store.Term{Field: store.FieldPayload, Name: path, Op: store.OpHas}
	}
	not := func(tm store.Term) store.Term { tm.Negate = true; return tm }
	tests := []termCase{
		{"nested exact", []store.Term{eq("customer.id", "cus-1001")}, []string{"p1"}},
		{"nested prefix", []store.Term{pre("customer.id", "cus-100")}, []string{"p2", "p1"}},
		{"prefix reaches the truncated payload", []store.Term{pre("customer.id", "cus-")}, []string{"p5", "p2", "p1"}},
		{"exact is not substring", []store.Term{eq("customer.id", "cus-10")}, []string{}},
		{"leaf name alone is not a path", []store.Term{eq("id", "cus-1001")}, []string{}},
		{"object has no text", []store.Term{eq("customer", "cus-1001")}, []string{}},
		{"case-sensitive", []store.Term{eq("customer.name", "zoë")}, []string{}},
		{"unicode value", []store.Term{eq("customer.name", "ZOË")}, []string{"p2"}},
		{"unicode key", []store.Term{eq("Kunde.Straße", "Hauptstraße 1")}, []string{"p3"}},
		{"array of objects", []store.Term{eq("items.sku", "B-2")}, []string{"p1"}},
		{"array in two flows", []store.Term{eq("items.sku", "A-17")}, []string{"p5", "p1"}},
		{"array cut by truncation", []store.Term{pre("items.sku", "Z")}, []string{}},
		{"array of strings", []store.Term{eq("tags", "gift")}, []string{"p2"}},
		{"number text", []store.Term{eq("amount", "750")}, []string{"p1"}},
		{"string text", []store.Term{eq("amount", "750.00")}, []string{"p1"}},
		{"null text", []store.Term{eq("refund", "null")}, []string{"p1"}},
		{"greater", []store.Term{cmp("amount", store.OpGT, "500")}, []string{"p1"}},
		{"greater or equal, string number", []store.Term{cmp("amount", store.OpGE, "120")}, []string{"p4", "p2", "p1"}},
		{"less", []store.Term{cmp("amount", store.OpLT, "500")}, []string{"p4", "p2"}},
		{"less or equal", []store.Term{cmp("amount", store.OpLE, "120")}, []string{"p2"}},
		{"non-number never compares", []store.Term{cmp("customer.id", store.OpGT, "0")}, []string{}},
		{"number in array", []store.Term{cmp("items.qty", store.OpGT, "1")}, []string{"p1"}},
		{"has", []store.Term{has("refund")}, []string{"p1"}},
		{"has object", []store.Term{has("card")}, []string{"p4"}},
		{"has empty array", []store.Term{has("items")}, []string{"p5", "p3", "p1"}},
		{"has absent", []store.Term{has("customer.email")}, []string{}},
		{"not in plain text", []store.Term{has("id")}, []string{}},
		{"redacted value is not findable", []store.Term{pre("card.number", "4")}, []string{}},
		{"redacted field exists", []store.Term{has("card.number")}, []string{"p4"}},
		{"negated", []store.Term{not(eq("customer.id", "cus-1001"))}, []string{"p5", "p4", "p3", "p2"}},
		{"negated has", []store.Term{not(has("amount"))}, []string{"p5"}},
		{"negated compare keeps non-numbers", []store.Term{not(cmp("amount", store.OpGT, "100"))}, []string{"p5", "p3"}},
		{"with type", []store.Term{{Field: store.FieldType, Value: "PaymentFailed"}, has("customer")}, []string{"p1"}},
		{"text unicode ignores case", []store.Term{{Field: store.FieldText, Value: "zoë"}}, []string{"p2", "p1"}},
		{"text ß is not ss", []store.Term{{Field: store.FieldText, Value: "HAUPTSTRASSE"}}, []string{}},
		{"text phrase", []store.Term{{Field: store.FieldText, Value: "CARD declined"}}, []string{"p1"}},
		{"text short", []store.Term{{Field: store.FieldText, Value: "Zo"}}, []string{"p2", "p1"}},
		{"text truncated as stored", []store.Term{{Field: store.FieldText, Value: `"sku":"z-`}}, []string{"p5"}},
		{"text finds the stored redaction hash", []store.Term{{Field: store.FieldText, Value: "0a1b2c3d4e5f"}}, []string{"p4"}},
		{"text negated", []store.Term{{Field: store.FieldText, Value: "CUS-100", Negate: true}}, []string{"p5", "p3"}},
		{"text folds İ and the Kelvin sign to ASCII", []store.Term{{Field: store.FieldText, Value: "istanbul kelvin"}}, []string{"p3"}},
		{"huge number string compares", []store.Term{cmp("big", store.OpGE, "1e300")}, []string{"p3"}},
		{"two fields of different events", []store.Term{has("error"), eq("items.sku", "A-17")}, []string{"p1"}},
	}
	evs := payloadFixture()
	checkTerms(t, o.with(t, evs), evs, tests)
}

// runTypeFields checks store.FieldLister on the payload fixture: every
// path of the OrderPlaced payloads (arrays add no step; the truncated one
// counts what comes before its cut), its kinds, and the events with it.
func runTypeFields(t *testing.T, o Opener) {
	s := o.with(t, payloadFixture())
	fl, ok := s.(store.FieldLister)
	if !ok {
		t.Skip("the store does not implement store.FieldLister")
	}
	got, err := fl.TypeFields(ctx(t), "OrderPlaced", 100)
	if err != nil {
		t.Fatal(err)
	}
	f := func(path string, events int64, kinds ...string) store.FieldInfo {
		return store.FieldInfo{Path: path, Kinds: kinds, Events: events}
	}
	want := store.TypeFields{Type: "OrderPlaced", Sampled: 4, Fields: []store.FieldInfo{
		f("Kunde", 1, "object"), f("Kunde.Straße", 1, "string"), f("amount", 3, "number", "string"),
		f("customer", 3, "object"), f("customer.id", 3, "string"), f("customer.name", 2, "string"),
		f("items", 3, "array", "object"), f("items.qty", 1, "number"), f("items.sku", 2, "string"),
		f("tags", 1, "array", "string"),
	}}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("TypeFields(OrderPlaced) (-want +got):\n%s", diff)
	}
	got, err = fl.TypeFields(ctx(t), "PaymentAuthorized", 100)
	if err != nil || got.Sampled != 1 || len(got.Fields) != 5 {
		t.Errorf("TypeFields(PaymentAuthorized) = %+v, %v; want 1 event, 5 fields", got, err)
	}
	got, err = fl.TypeFields(ctx(t), "Nope", 100)
	if err != nil || got.Sampled != 0 || got.Fields == nil || len(got.Fields) != 0 {
		t.Errorf("TypeFields(Nope) = %+v, %v; want none", got, err)
	}
	got, err = fl.TypeFields(ctx(t), "OrderPlaced", 1) // the newest: p5, truncated
	if err != nil || got.Sampled != 1 || len(got.Fields) != 4 {
		t.Errorf("TypeFields(OrderPlaced, 1) = %+v, %v; want the 4 fields of p5", got, err)
	}
}

// runTruncatedFlows checks store.TruncatedFinder on the payload fixture:
// of all its flows, only p5 holds a truncated payload, and a payload
// search's results say so (store.MarkTruncated) while others do not.
func runTruncatedFlows(t *testing.T, o Opener) {
	s := o.with(t, payloadFixture())
	tf, ok := s.(store.TruncatedFinder)
	if !ok {
		t.Skip("the store does not implement store.TruncatedFinder")
	}
	q := store.FlowQuery{Terms: []store.Term{{Field: store.FieldPayload, Name: "customer.id", Op: store.OpHas}}}
	page := mustFlows(t, s, q)
	if err := store.MarkTruncated(ctx(t), tf, q, page.Flows); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range page.Flows {
		got[f.CorrelationID] = f.PayloadTruncated
	}
	if want := map[string]bool{"p5": true, "p4": false, "p2": false, "p1": false}; !gocmp.Equal(got, want) {
		t.Errorf("has:payload.customer.id flows, truncated: %v, want %v", got, want)
	}
	q = store.FlowQuery{Terms: []store.Term{{Field: store.FieldType, Value: "OrderPlaced"}}}
	page = mustFlows(t, s, q)
	if err := store.MarkTruncated(ctx(t), tf, q, page.Flows); err != nil {
		t.Fatal(err)
	}
	for _, f := range page.Flows {
		if f.PayloadTruncated {
			t.Errorf("type:OrderPlaced marks %s truncated: only payload searches do", f.CorrelationID)
		}
	}
}
