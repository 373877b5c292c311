package redact

import (
	"encoding/json"
	"testing"

	"github.com/eventscope/eventscope/event"
)

// FuzzApply checks that redacting any valid JSON payload gives valid JSON
// and that a second Apply changes nothing.
func FuzzApply(f *testing.F) {
	f.Add([]byte(`{"a":{"email":"x","b":[{"card":1},[{"password":"p"}]]}}`))
	f.Add([]byte(`[{"email":"a"},{"email":{"x":[1,2]}}, "s\"]"]`))
	f.Add([]byte(`{"em\u0061il" : "x" , "n" : -1.5e3 , "t" : true}`))
	r, err := New(Config{Rules: []Rule{{
		Mask: Fields{JSON: []string{"**.email", "*.b[*].card", "[1]"}},
		Drop: Fields{JSON: []string{"**.password", "a.b[1]"}},
	}}}, testSecret)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if !json.Valid(payload) {
			return
		}
		e := event.Event{Topic: "t", Payload: append([]byte(nil), payload...)}
		r.Apply(&e)
		if e.Payload != nil && !json.Valid(e.Payload) {
			t.Fatalf("redacted %s into invalid JSON %s", payload, e.Payload)
		}
		once := string(e.Payload)
		r.Apply(&e)
		if string(e.Payload) != once {
			t.Fatalf("second Apply changed %s into %s", once, e.Payload)
		}
	})
}

// FuzzCut checks that a payload cut anywhere is dropped without a panic
// and that a string the rules name, whole before the cut, masks an ID
// field equal to it.
func FuzzCut(f *testing.F) {
	f.Add([]byte(`{"meta":{"correlationId":"c-1","email":"x"},"data":[{"email":"y"`), 40)
	f.Add([]byte(`["a",{"email":"\"}\\"`), 9)
	r, err := New(Config{Rules: []Rule{{Mask: Fields{JSON: []string{"**.email", "meta.correlationId", "[0]"}}}}}, testSecret)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte, cut int) {
		if cut < 0 || cut > len(payload) {
			return
		}
		e := event.Event{Topic: "t", Payload: append([]byte(nil), payload[:cut]...), Truncated: true, CorrelationID: "c-1"}
		r.Apply(&e)
		if e.Payload != nil {
			t.Fatalf("cut payload kept: %q", e.Payload)
		}
	})
}
