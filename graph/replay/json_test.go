package replay

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// reference is what encoding/json makes of b: one valid JSON value decoded
// with UseNumber.
func reference(b []byte) (any, bool) {
	if !json.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

var jsonCases = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `-12.50E+2`, `true`, `false`, `null`, ` {"a" : [1, 2,{"b":null}] } `,
	`{"a":1,"a":2}`, `"\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00\ud83d\u0041"`,
	`"caf` + "\xc3\xa9" + `"`, "\"\xff\xfe\"", "\"a\xed\xa0\x80b\"", `"\u12"`, `"\x"`, "\"\x01\"", `"abc`,
	`01`, `1.`, `.5`, `-`, `1e`, `+1`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, `[1 2]`, `nul`, `truex`, `{} {}`,
	`{"data":{"orderId":"o-1","items":[{"sku":"x","q":2}],"total":19.50,"ok":true,"gone":null}}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

func TestParseJSON(t *testing.T) {
	for _, c := range jsonCases {
		checkParse(t, []byte(c))
	}
}

func checkParse(t *testing.T, b []byte) {
	t.Helper()
	want, ok := reference(b)
	got, err := parseJSON(b)
	if ok != (err == nil) {
		t.Fatalf("%q: parseJSON error %v, encoding/json valid %v", b, err, ok)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: parseJSON %#v, encoding/json %#v", b, got, want)
	}
}

// FuzzParseJSON checks parseJSON against encoding/json:
// go test ./graph/replay -run '^$' -fuzz FuzzParseJSON -fuzztime 60s
func FuzzParseJSON(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkParse(t, b) })
}

// BenchmarkParseJSON compares parseJSON with encoding/json (UseNumber) on a
// 330-byte demo-shop envelope.
func BenchmarkParseJSON(b *testing.B) {
	payload := []byte(`{"metadata":{"eventId":"o7-placed","eventType":"OrderPlaced","correlationId":"batch-1000",` +
		`"causationId":"batch","producer":"orders","timestamp":"2026-01-01T12:00:00.8Z"},"data":{"orderId":"o7",` +
		`"status":"placed","customer":{"id":"c-o7","name":"Ann Example"},"items":[{"sku":"margherita",` +
		`"quantity":2,"unitPrice":9.5}],"total":19.0,"currency":"EUR"}}`)
	b.Run("parseJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseJSON(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := reference(payload); !ok {
				b.Fatal("invalid")
			}
		}
	})
}
