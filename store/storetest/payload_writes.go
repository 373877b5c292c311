package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// runPayloadAcrossWrites checks payload terms on flows whose events came
// in several writes (a store that keeps per-write summaries of payload
// fields must merge them: a flow's bounds and values are those of all its
// events), values longer than a store may index, keys holding a dot
// (not the path a.b), and a type: term with a field: every case against
// the reference, whole and in pages of one.
func runPayloadAcrossWrites(t *testing.T, o Opener) {
	g := NewGen(Base)
	ev := func(corr, id, typ, payload string, sec int) event.Event {
		e := g.Event("orders", corr, id, "", time.Duration(sec)*time.Second)
		e.Type, e.Payload, e.PayloadSize = typ, []byte(payload), len(payload)
		return e
	}
	long := strings.Repeat("ab", 200) // 400 bytes
	w1 := []event.Event{
		ev("w1", "w1-a", "OrderPlaced", `{"n":1,"s":"first"}`, 0),
		ev("w2", "w2-a", "OrderPlaced", `{"n":"20","a.b":7}`, 1),
		ev("w3", "w3-a", "OrderPlaced", `{"n":5,"note":"`+long+`"}`, 2),
	}
	w2 := []event.Event{
		ev("w1", "w1-b", "OrderShipped", `{"n":50,"s":"second"}`, 3),
		ev("w2", "w2-b", "OrderShipped", `{"a":{"b":"x"}}`, 4),
		ev("w4", "w4-a", "OrderPlaced", `{"n":-2,"note":"`+long+`!"}`, 5),
	}
	w3 := []event.Event{ev("w3", "w3-b", "OrderShipped", `{"n":9,"s":"first"}`, 6)}
	eq := func(path, v string) store.Term { return store.Term{Field: store.FieldPayload, Name: path, Value: v} }
	cmp := func(path string, op store.Op, v string) store.Term { tm := eq(path, v); tm.Op = op; return tm }
	tests := []termCase{
		{"bounds of two writes: high", []store.Term{cmp("n", store.OpGT, "20")}, []string{"w1"}},
		{"bounds of two writes: low", []store.Term{cmp("n", store.OpLT, "2")}, []string{"w4", "w1"}},
		{"bounds of two writes: both ends", []store.Term{cmp("n", store.OpGE, "1"), cmp("n", store.OpLE, "1")}, []string{"w1"}},
		{"values of two writes", []store.Term{eq("s", "second"), eq("s", "first")}, []string{"w1"}},
		{"value in a later write", []store.Term{eq("s", "first")}, []string{"w3", "w1"}},
		{"long value", []store.Term{eq("note", long)}, []string{"w3"}},
		{"long value prefix", []store.Term{{Field: store.FieldPayload, Name: "note", Value: long, Prefix: true}}, []string{"w3", "w4"}},
		{"a key with a dot is not a path", []store.Term{cmp("a.b", store.OpGT, "1")}, []string{}},
		{"the path a.b", []store.Term{eq("a.b", "x")}, []string{"w2"}},
		{"field and type", []store.Term{{Field: store.FieldType, Value: "OrderShipped"}, cmp("n", store.OpGE, "9")}, []string{"w3", "w2", "w1"}},
		{"value no flow has", []store.Term{eq("s", "third")}, []string{}},
		{"number beyond all", []store.Term{cmp("n", store.OpGT, "50")}, []string{}},
		{"negated across writes", []store.Term{{Field: store.FieldPayload, Name: "s", Value: "second", Negate: true}}, []string{"w3", "w4", "w2"}},
	}
	evs := append(append(append([]event.Event{}, w1...), w2...), w3...)
	checkTerms(t, o.with(t, w1, w2, w3), evs, tests)
}
