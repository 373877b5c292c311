package store

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePayloadTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []Term
	}{
		{"payload.customer.id:cus-1001", []Term{{Field: FieldPayload, Name: "customer.id", Value: "cus-1001"}}},
		{"payload.customer.id:cus-*", []Term{{Field: FieldPayload, Name: "customer.id", Value: "cus-", Prefix: true}}},
		{`payload.error:"card declined"`, []Term{{Field: FieldPayload, Name: "error", Value: "card declined"}}},
		{"-payload.x:1", []Term{{Field: FieldPayload, Name: "x", Value: "1", Negate: true}}},
		{"payload.amount>500", []Term{{Field: FieldPayload, Name: "amount", Value: "500", Op: OpGT}}},
		{"payload.amount>=-1.5e2", []Term{{Field: FieldPayload, Name: "amount", Value: "-1.5e2", Op: OpGE}}},
		{"payload.amount<5 payload.amount<=6", []Term{{Field: FieldPayload, Name: "amount", Value: "5", Op: OpLT},
			{Field: FieldPayload, Name: "amount", Value: "6", Op: OpLE}}},
		{"has:payload.refund", []Term{{Field: FieldPayload, Name: "refund", Op: OpHas}}},
		{"-has:payload.a.b", []Term{{Field: FieldPayload, Name: "a.b", Op: OpHas, Negate: true}}},
		{"Payload.Kunde.Straße:Ü", []Term{{Field: FieldPayload, Name: "Kunde.Straße", Value: "Ü"}}},
		{"type:A payload.items.sku:A-17", []Term{{Field: FieldType, Value: "A"}, {Field: FieldPayload, Name: "items.sku", Value: "A-17"}}},
	}
	for _, tt := range tests {
		got, err := ParseQuery(tt.in, queryNow)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got.Terms); diff != "" {
			t.Errorf("ParseQuery(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParsePayloadErrors(t *testing.T) {
	for _, tt := range []struct {
		in  string
		pos int
	}{
		{"payload..x:1", 8},
		{"type:A payload.a.:1", 17},
		{"-payload.a..b:1", 11},
		{"payload.a*:1", 9},
		{"payload.items[0].sku:1", 13},
		{"payload.amount>abc", 15},
		{"payload.amount>", 15},
		{"has:payload.", 12},
		{"has:customer.id", 4},
		{"payload.:x", 8},
	} {
		_, err := ParseQuery(tt.in, queryNow)
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("ParseQuery(%q) = %v, want a QueryError", tt.in, err)
			continue
		}
		if qe.Pos != tt.pos {
			t.Errorf("ParseQuery(%q): error at %d (%v), want %d", tt.in, qe.Pos, err, tt.pos)
		}
	}
}

func TestPayloadMatches(t *testing.T) {
	const doc = `{"customer":{"id":"cus-1001","name":"Zoë"},"amount":750,"fee":"12.50","items":[{"sku":"A-17","qty":2},{"sku":"B-2","tags":["x",["y"]]}],
"refund":null,"ok":true,"nested":{"list":[]},"esc":"caf\u00e9","inf":"inf"}`
	eq := func(path, v string) Term { return Term{Field: FieldPayload, Name: path, Value: v} }
	op := func(path string, o Op, v string) Term { return Term{Field: FieldPayload, Name: path, Value: v, Op: o} }
	for _, tt := range []struct {
		t    Term
		want bool
	}{
		{eq("customer.id", "cus-1001"), true},
		{eq("customer.id", "cus-100"), false},
		{Term{Field: FieldPayload, Name: "customer.id", Value: "cus-", Prefix: true}, true},
		{eq("customer.id", "CUS-1001"), false},
		{eq("id", "cus-1001"), false},
		{eq("customer", "cus-1001"), false},
		{eq("customer.name", "Zoë"), true},
		{eq("esc", "café"), true},
		{eq("amount", "750"), true},
		{eq("ok", "true"), true},
		{eq("refund", "null"), true},
		{eq("items.sku", "A-17"), true},
		{eq("items.sku", "B-2"), true},
		{eq("items.tags", "y"), true},
		{eq("items.qty", "3"), false},
		{op("amount", OpGT, "500"), true},
		{op("amount", OpGT, "750"), false},
		{op("amount", OpGE, "750"), true},
		{op("amount", OpLT, "750.5"), true},
		{op("amount", OpLE, "749"), false},
		{op("fee", OpGT, "12"), true},
		{op("customer.id", OpGT, "0"), false},
		{op("inf", OpGT, "0"), false},
		{op("ok", OpGT, "0"), false},
		{op("items.qty", OpGE, "2"), true},
		{op("missing", OpLT, "1e9"), false},
		{Term{Field: FieldPayload, Name: "refund", Op: OpHas}, true},
		{Term{Field: FieldPayload, Name: "nested.list", Op: OpHas}, true},
		{Term{Field: FieldPayload, Name: "items.tags", Op: OpHas}, true},
		{Term{Field: FieldPayload, Name: "customer.email", Op: OpHas}, false},
	} {
		if got := PayloadMatches(tt.t, []byte(doc)); got != tt.want {
			t.Errorf("PayloadMatches(%+v) = %v, want %v", tt.t, got, tt.want)
		}
	}
	// not JSON, truncated, top-level arrays
	has := func(path string) Term { return Term{Field: FieldPayload, Name: path, Op: OpHas} }
	for _, tt := range []struct {
		payload string
		t       Term
		want    bool
	}{
		{"plain text id:1", has("id"), false},
		{`{"a":1,"b":{"c":"x`, has("a"), true},
		{`{"a":1,"b":{"c":"x`, has("b.c"), false},
		{`{"a":1,"b":{"c":"x`, has("b"), true},
		{`[{"a":1},{"b":2}]`, has("b"), true},
		{`"a"`, has("a"), false},
	} {
		if got := PayloadMatches(tt.t, []byte(tt.payload)); got != tt.want {
			t.Errorf("PayloadMatches(%+v, %s) = %v, want %v", tt.t, tt.payload, got, tt.want)
		}
	}
}
