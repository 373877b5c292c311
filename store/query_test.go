package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var queryNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want FlowQuery
	}{
		{"", FlowQuery{}},
		{"   ", FlowQuery{}},
		{"ord-7f3a9c21", FlowQuery{Terms: []Term{{Field: FieldID, Value: "ord-7f3a9c21"}}}},
		{"orders/0/15", FlowQuery{Terms: []Term{{Field: FieldID, Value: "orders/0/15"}}}},
		{"type:OrderPlaced source:kitchen", FlowQuery{Terms: []Term{
			{Field: FieldType, Value: "OrderPlaced"}, {Field: FieldSource, Value: "kitchen"}}}},
		{"topic:payments*", FlowQuery{Terms: []Term{{Field: FieldTopic, Value: "payments", Prefix: true}}}},
		{"-type:PaymentFailed", FlowQuery{Terms: []Term{{Field: FieldType, Value: "PaymentFailed", Negate: true}}}},
		{"TYPE:X", FlowQuery{Terms: []Term{{Field: FieldType, Value: "X"}}}},
		{"key:abc header:tenant=42", FlowQuery{Terms: []Term{
			{Field: FieldKey, Value: "abc"}, {Field: FieldHeader, Name: "tenant", Value: "42"}}}},
		{"header:x-trace=a=b", FlowQuery{Terms: []Term{{Field: FieldHeader, Name: "x-trace", Value: "a=b"}}}},
		{"header:tenant=", FlowQuery{Terms: []Term{{Field: FieldHeader, Name: "tenant", Value: ""}}}},
		{"anomaly:duplicate", FlowQuery{Terms: []Term{{Field: FieldAnomaly, Value: "duplicate"}}}},
		{`"card declined"`, FlowQuery{Terms: []Term{{Field: FieldText, Value: "card declined"}}}},
		{`-"card declined"`, FlowQuery{Terms: []Term{{Field: FieldText, Value: "card declined", Negate: true}}}},
		{`text:declined*`, FlowQuery{Terms: []Term{{Field: FieldText, Value: "declined*"}}}},
		{`type:"Order Placed"`, FlowQuery{Terms: []Term{{Field: FieldType, Value: "Order Placed"}}}},
		{`type:"A*"`, FlowQuery{Terms: []Term{{Field: FieldType, Value: "A*"}}}},
		{`id:"urn:uuid:1"`, FlowQuery{Terms: []Term{{Field: FieldID, Value: "urn:uuid:1"}}}},
		{`"say \"hi\" \\ now"`, FlowQuery{Terms: []Term{{Field: FieldText, Value: `say "hi" \ now`}}}},
		{"after:2026-11-01T10:00 before:-15m", FlowQuery{
			From: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
			To:   queryNow.Add(-15 * time.Minute)}},
		{"after:-7d", FlowQuery{From: queryNow.Add(-7 * 24 * time.Hour)}},
		{"after:2026-11-01", FlowQuery{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}},
		{"before:2026-11-01T10:00:00+02:00", FlowQuery{To: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}},
		{"a-b -c", FlowQuery{Terms: []Term{{Field: FieldID, Value: "a-b"}, {Field: FieldID, Value: "c", Negate: true}}}},
		{"- x", FlowQuery{Terms: []Term{{Field: FieldID, Value: "-"}, {Field: FieldID, Value: "x"}}}},
		{"'; DROP TABLE events; --", FlowQuery{Terms: []Term{
			{Field: FieldID, Value: "';"}, {Field: FieldID, Value: "DROP"}, {Field: FieldID, Value: "TABLE"},
			{Field: FieldID, Value: "events;"}, {Field: FieldID, Value: "-", Negate: true}}}},
		{"type:Zahlung✓", FlowQuery{Terms: []Term{{Field: FieldType, Value: "Zahlung✓"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseQuery(tt.in, queryNow)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseQuery(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		in      string
		pos     int
		msgPart string
	}{
		{`type:`, 5, "needs a value"},
		{`foo:bar`, 0, `unknown field "foo"`},
		{`ok -foo:bar`, 3, `unknown field "foo"`},
		{`"open`, 0, "unterminated quote"},
		{`type:"x"y`, 8, "space after the closing quote"},
		{`ab"c`, 2, `unexpected '"'`},
		{`header:tenant`, 7, "header:NAME=VALUE"},
		{`header:=x`, 7, "header:NAME=VALUE"},
		{`anomaly:weird`, 8, "unknown kind"},
		{`anomaly:dup*`, 8, "unknown kind"},
		{`after:yesterday`, 6, "bad time"},
		{`before:-15x`, 7, "bad relative time"},
		{`before:--1h`, 7, "bad relative time"},
		{`after:-1.5d`, 6, "bad relative time"},
		{`-after:-1h`, 0, "cannot be negated"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseQuery(tt.in, queryNow)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuery(%q) = %v, want a *QueryError", tt.in, err)
			}
			if qe.Pos != tt.pos || !strings.Contains(qe.Msg, tt.msgPart) {
				t.Errorf("ParseQuery(%q) error at %d %q, want at %d containing %q", tt.in, qe.Pos, qe.Msg, tt.pos, tt.msgPart)
			}
		})
	}
}

// FuzzParseQuery checks the parser never panics, reports error positions
// inside the query, and returns terms with a field and no empty header name.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"ord-1", `type:A* -source:"b c" header:t=1 anomaly:orphan after:-1h before:2026-01-01`,
		`"\"`, `-`, `id:"x:y"`, "\x00:\xff", `header:=`, `text:"a\\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s, queryNow)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v is not a *QueryError", err)
			}
			if qe.Pos < 0 || qe.Pos > len(s) {
				t.Fatalf("error position %d outside query of length %d", qe.Pos, len(s))
			}
			return
		}
		for _, term := range q.Terms {
			if term.Field == "" {
				t.Fatalf("term without field: %+v", term)
			}
			if term.Field == FieldHeader && term.Name == "" {
				t.Fatalf("header term without name: %+v", term)
			}
		}
	})
}
