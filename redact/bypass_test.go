package redact

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// secretValue is what every case hides; no part of a redacted event may
// show it.
const secretValue = "alice@example.com"

// decodeRedact decodes rec as ingest does and applies cfg to it.
func decodeRedact(t *testing.T, cfg Config, rec event.Record) event.Event {
	t.Helper()
	r, err := New(cfg, []byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	e := event.NewDecoder(event.Config{PayloadCap: 64}).Decode(rec, time.Unix(0, 0))
	r.Apply(&e)
	return e
}

// shows reports whether the event's JSON form (headers, IDs, payload) still
// carries the secret.
func shows(t *testing.T, e event.Event) bool {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), secretValue) || strings.Contains(e.CorrelationID, secretValue)
}

// TestHeaderSpellings: a rule names a header once and matches every
// spelling the decoder reads (issue 17 F1).
func TestHeaderSpellings(t *testing.T) {
	cfg := Config{Rules: []Rule{{Mask: Fields{Headers: []string{"correlation-id", "x-customer-email", "X-Secret-*"}}}}}
	for _, name := range []string{
		"correlation-id", "Correlation_Id", "correlation.id", "CorrelationId", "CORRELATION-ID",
		"x_customer_email", "X.Customer.Email", "xCustomerEmail", "x_secret_token", "XSECRETTOKEN",
	} {
		t.Run(name, func(t *testing.T) {
			rec := event.Record{Topic: "orders", Headers: []event.Header{{Key: name, Value: secretValue}}}
			e := decodeRedact(t, cfg, rec)
			if shows(t, e) {
				t.Errorf("header %q: the secret survived: headers %v, correlation %q", name, e.Headers, e.CorrelationID)
			}
			if len(e.Headers) != 1 || !strings.HasPrefix(e.Headers[0].Value, Prefix) {
				t.Errorf("header %q: want it kept masked, got %v", name, e.Headers)
			}
		})
	}
}

func TestHeaderPattern(t *testing.T) {
	for in, want := range map[string]string{
		"X-Secret-*":  "xsecret*",
		"x_[a-z]-id":  "x[a-z]id",
		"Trace.[A-F]": "trace[a-f]",
		"a[b":         "a[b",
	} {
		if got := headerPattern(in); got != want {
			t.Errorf("headerPattern(%q) = %q, want %q", in, got, want)
		}
	}
	err := Config{Rules: []Rule{{Drop: Fields{Headers: []string{"-_."}}}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "bad name") {
		t.Errorf("a header of separators only: err = %v, want bad name", err)
	}
}

// TestPayloadShapes: JSON behind a byte order mark or white space is
// redacted like any JSON; JSON inside a JSON string is redacted inside it;
// what cannot be parsed follows unparsable_payload (issue 17 F2).
func TestPayloadShapes(t *testing.T) {
	utf16 := []byte{0xff, 0xfe}
	for _, r := range `{"email":"` + secretValue + `"}` {
		utf16 = append(utf16, byte(r), 0)
	}
	tests := []struct {
		name    string
		payload string
		want    string // the redacted payload; "" = dropped
	}{
		{"bom", "\ufeff{\"email\":\"" + secretValue + "\"}", "\ufeff{\"email\":\"redacted:"},
		{"white space", " \r\n\t{\"email\":\"" + secretValue + "\"}", " \r\n\t{\"email\":\"redacted:"},
		{"bom and space", "\ufeff  [{\"email\":\"" + secretValue + "\"}]", "\ufeff  [{\"email\":\"redacted:"},
		{"json in a string", `"{\"email\":\"` + secretValue + `\"}"`, `"{\"email\":\"redacted:`},
		{"json in a member string", `{"data":"\ufeff{\"email\":\"` + secretValue + `\"}"}`, "{\"data\":\"\ufeff{\\\"email\\\":\\\"redacted:"},
		{"utf-16", string(utf16), ""},
		{"truncated", `{"email":"` + secretValue + `","pad":"` + strings.Repeat("x", 80) + `"}`, ""},
		{"truncated short", `{"email":"` + secretValue, ""},
		{"text", "mail " + secretValue, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := []Rule{{Mask: Fields{JSON: []string{"**.email"}}}}
			e := decodeRedact(t, Config{Rules: rules}, event.Record{Topic: "t", Value: []byte(tt.payload)})
			if shows(t, e) {
				t.Errorf("the secret survived: payload %q", e.Payload)
			}
			switch {
			case tt.want == "" && (e.Payload != nil || !strings.Contains(e.DecodeError, "payload dropped by redaction")):
				t.Errorf("want the payload dropped with a note, got %q (note %q)", e.Payload, e.DecodeError)
			case tt.want != "" && !strings.HasPrefix(string(e.Payload), tt.want):
				t.Errorf("payload = %q, want it to start %q", e.Payload, tt.want)
			}
			if tt.want != "" {
				return
			}
			kept := decodeRedact(t, Config{Rules: rules, UnparsablePayload: UnparsableKeep}, event.Record{Topic: "t", Value: []byte(tt.payload)})
			if len(kept.Payload) == 0 {
				t.Errorf("unparsable_payload keep: the payload was dropped")
			}
		})
	}
}

// TestInvalidUTF8Header: a masked header whose value is not UTF-8 still
// masks the correlation ID the decoder made of it (in canonical form).
func TestInvalidUTF8Header(t *testing.T) {
	cfg := Config{Rules: []Rule{{Mask: Fields{Headers: []string{"correlation-id"}}}}}
	rec := event.Record{Topic: "orders", Headers: []event.Header{{Key: "Correlation_Id", Value: secretValue + "\xff"}}}
	if e := decodeRedact(t, cfg, rec); shows(t, e) {
		t.Errorf("the secret survived: correlation %q", e.CorrelationID)
	}
}

// TestCutEnvelopeIDs: the decoder reads IDs from the whole value; when the
// payload is cut at the cap and dropped, an ID under a masked path still
// takes its token.
func TestCutEnvelopeIDs(t *testing.T) {
	cfg := Config{Rules: []Rule{{Mask: Fields{JSON: []string{"metadata.correlationId", "**.eventId"}}}}}
	v := `{"metadata":{"eventId":"e-1","correlationId":"` + secretValue + `"},"data":{"pad":"` + strings.Repeat("x", 200) + `"}}`
	e := decodeRedact(t, cfg, event.Record{Topic: "t", Value: []byte(v)})
	if !e.Truncated && e.Payload != nil {
		t.Fatalf("the payload was not cut: %q", e.Payload)
	}
	if shows(t, e) || !strings.HasPrefix(e.CorrelationID, Prefix) || !strings.HasPrefix(e.EventID, Prefix) {
		t.Errorf("IDs from the cut envelope: event %q correlation %q", e.EventID, e.CorrelationID)
	}
	if e.Payload != nil {
		t.Errorf("cut payload kept: %q", e.Payload)
	}
}

// TestLooseJSONKeys: json_keys: loose matches keys as the decoder reads
// envelope keys; the default matches them exactly.
func TestLooseJSONKeys(t *testing.T) {
	v := `{"Customer_Email":"` + secretValue + `","meta":{"correlation_id":"` + secretValue + `"}}`
	rules := []Rule{{Mask: Fields{JSON: []string{"**.customerEmail", "meta.correlationId"}}, JSONKeys: JSONKeysLoose}}
	e := decodeRedact(t, Config{Rules: rules}, event.Record{Topic: "t", Value: []byte(v)})
	if shows(t, e) {
		t.Errorf("loose keys: the secret survived: %s (correlation %q)", e.Payload, e.CorrelationID)
	}
	rules[0].JSONKeys = ""
	r, _ := New(Config{Rules: rules}, []byte("0123456789abcdef0123"))
	exact := event.Event{Topic: "t", Payload: []byte(v)}
	r.Apply(&exact)
	if !strings.Contains(string(exact.Payload), secretValue) {
		t.Errorf("exact keys matched another spelling: %s", exact.Payload)
	}
	if err := (Config{Rules: []Rule{{Drop: Fields{Key: true}, JSONKeys: "fuzzy"}}}).Validate(); err == nil || !strings.Contains(err.Error(), "json_keys") {
		t.Errorf("bad json_keys: %v", err)
	}
}
