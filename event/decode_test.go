package event

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	ts := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	tests := []struct {
		in   string
		want time.Time // zero: unreadable
	}{
		{"2024-03-10T15:04:05Z", ts("2024-03-10T15:04:05Z")},
		{" 2024-03-10T16:04:05.5+01:00 ", ts("2024-03-10T15:04:05.5Z")},
		{"2024-03-10 15:04:05:123456 Z", ts("2024-03-10T15:04:05.123456Z")},
		{"2024-03-10 15:04:05Z", ts("2024-03-10T15:04:05Z")},
		{"1710083045", ts("2024-03-10T15:04:05Z")},
		{"1710083045.25", ts("2024-03-10T15:04:05.25Z")},
		{"1710083045123", ts("2024-03-10T15:04:05.123Z")},
		{"1710083045123456", ts("2024-03-10T15:04:05.123456Z")},
		{"1710083045123456789", ts("2024-03-10T15:04:05.123456789Z")},
		{"0", time.Time{}},
		{"", time.Time{}},
		{"-5", time.Time{}},
		{"99999999999999999999999", time.Time{}},
		{"1.2.3", time.Time{}},
		{"yesterday", time.Time{}},
		{"1969-12-31T23:59:59Z", time.Time{}},
		{"2300-01-01T00:00:00Z", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
		if ok && got.Location() != time.UTC {
			t.Errorf("parseTime(%q) not in UTC", tt.in)
		}
	}
	if got, ok := parseAxonTime(string([]byte{0, 0, 1, 0x8d, 0x07, 0x7c, 0x50, 0x9b})); !ok || !got.Equal(ts("2024-01-14T10:20:04.123Z")) {
		t.Errorf("parseAxonTime(8-byte long) = %v, %v", got, ok)
	}
	if got, ok := parseAxonTime("1705227604123"); !ok || !got.Equal(ts("2024-01-14T10:20:04.123Z")) {
		t.Errorf("parseAxonTime(text) = %v, %v", got, ok)
	}
}

func TestTraceIDs(t *testing.T) {
	tests := []struct {
		name, in, want string
		parse          func(string) (string, bool)
	}{
		{"w3c example", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736", traceparentID},
		{"upper case is lowered", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", "4bf92f3577b34da6a3ce929d0e0e4736", traceparentID},
		{"future version with more fields", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz", "4bf92f3577b34da6a3ce929d0e0e4736", traceparentID},
		{"version 00 with extra fields", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz", "", traceparentID},
		{"version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "", traceparentID},
		{"zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "", traceparentID},
		{"not hex", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", "", traceparentID},
		{"short", "00-4bf92f", "", traceparentID},
		{"b3 single", "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1", "80f198ee56343ba864fe8b2a57d3eff7", b3TraceID},
		{"b3 deny only", "0", "", b3TraceID},
		{"b3 debug only", "d", "", b3TraceID},
		{"b3 bad length", "80f198ee-05e3ac9a4f6e3b90", "", b3TraceID},
		{"x-b3 64-bit", "a2fb4a1d1a96d312", "a2fb4a1d1a96d312", traceID},
	}
	for _, tt := range tests {
		got, ok := tt.parse(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestTypeNames(t *testing.T) {
	for in, want := range map[string]string{
		"Ns.OrderPlaced, Sales, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null;Ns.IEvent, Sales": "Ns.OrderPlaced",
		"Ns.OrderPlaced": "Ns.OrderPlaced",
	} {
		if got := nsbType(in); got != want {
			t.Errorf("nsbType(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"urn:message:MyProject.Messages:UpdateAccount":                  "MyProject.Messages.UpdateAccount",
		"urn:message:MyProject.AccountService:MyService+AccountUpdated": "MyProject.AccountService.MyService+AccountUpdated",
		"urn:message:A:B;urn:message:A:C":                               "A.B",
		"OrderPlaced":                                                   "OrderPlaced",
	} {
		if got := mtType(in); got != want {
			t.Errorf("mtType(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPrecedence checks DESIGN.md's order, first match wins per field:
// config > CloudEvents binary > CloudEvents structured > framework headers
// > plain headers > JSON envelope > trace context.
func TestPrecedence(t *testing.T) {
	ceStructured := `{"specversion":"1.0","id":"ce-s","type":"T-s","source":"s","correlationid":"corr-s","causationid":"cause-s"}`
	envelope := `{"eventId":"env","correlationId":"corr-env","causationId":"cause-env","eventType":"T-env"}`
	h := func(kv ...string) []Header {
		var hs []Header
		for i := 0; i+1 < len(kv); i += 2 {
			hs = append(hs, Header{Key: kv[i], Value: kv[i+1]})
		}
		return hs
	}
	tests := []struct {
		name                 string
		cfg                  Config
		headers              []Header
		value                string
		id, corr, cause, typ string
		conv                 string
	}{
		{name: "binary beats structured and headers",
			headers: h("ce_id", "ce-b", "ce_correlationid", "corr-b", "correlation-id", "corr-h", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
			value:   ceStructured, id: "ce-b", corr: "corr-b", cause: "cause-s", typ: "T-s", conv: "cloudevents-binary+cloudevents-structured"},
		{name: "structured beats headers",
			headers: h("correlation-id", "corr-h", "event-id", "id-h"), value: ceStructured,
			id: "ce-s", corr: "corr-s", cause: "cause-s", typ: "T-s", conv: "cloudevents-structured"},
		{name: "framework beats plain headers",
			headers: h("correlation-id", "corr-h", "NServiceBus.ConversationId", "corr-nsb", "NServiceBus.MessageId", "id-nsb"),
			id:      "id-nsb", corr: "corr-nsb", conv: "nservicebus"},
		{name: "headers beat the envelope",
			headers: h("x-correlation-id", "corr-h"), value: envelope,
			id: "env", corr: "corr-h", cause: "cause-env", typ: "T-env", conv: "headers+json-envelope"},
		{name: "config beats everything",
			cfg:     Config{Conventions: []Convention{{Name: "mine", Mappings: []Mapping{{Field: FieldCorrelationID, Header: "flow"}}}}},
			headers: h("ce_id", "ce-b", "ce_correlationid", "corr-b", "Flow", "corr-cfg"),
			id:      "ce-b", corr: "corr-cfg", conv: "mine+cloudevents-binary"},
		{name: "b3 is the last resort",
			headers: h("b3", "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1"), value: `{"eventId":"e"}`,
			id: "e", corr: "80f198ee56343ba864fe8b2a57d3eff7", conv: "b3+json-envelope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewDecoder(tt.cfg).Decode(Record{Topic: "t", Headers: tt.headers, Value: []byte(tt.value)}, time.Time{})
			got := [...]string{e.EventID, e.CorrelationID, e.CausationID, e.Type, e.Convention}
			want := [...]string{tt.id, tt.corr, tt.cause, tt.typ, tt.conv}
			if want[0] == "" {
				want[0] = "t/0/0"
			}
			if got != want {
				t.Errorf("id, correlation, causation, type, convention = %q, want %q", got, want)
			}
		})
	}
}

// TestDecodeKeepsNoAlias: strings read from the value must not share its
// memory: consumers may reuse record buffers once Decode returns.
func TestDecodeKeepsNoAlias(t *testing.T) {
	v := []byte(`{"eventId":"evt-1","correlationId":"flow-1","metadata":{"causationId":"c-1"},"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}`)
	e := NewDecoder(Config{}).Decode(Record{Topic: "t", Value: v}, time.Time{})
	for i := range v {
		v[i] = 'x'
	}
	if e.EventID != "evt-1" || e.CorrelationID != "flow-1" || e.CausationID != "c-1" {
		t.Errorf("fields changed with the value buffer: %q %q %q", e.EventID, e.CorrelationID, e.CausationID)
	}
}

func TestDecodeConcurrent(t *testing.T) {
	d := NewDecoder(Config{Conventions: []Convention{{Topics: []string{"a*"}, Mappings: []Mapping{{Field: FieldEventID, Header: "k"}}}}})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				topic := []string{"a1", "b1", "a2"}[i%3]
				e := d.Decode(Record{Topic: topic, Headers: []Header{{Key: "k", Value: "v"}}}, time.Time{})
				if want := strings.HasPrefix(topic, "a"); (e.EventID == "v") != want {
					t.Errorf("topic %s: event id %q", topic, e.EventID)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPayloadCap(t *testing.T) {
	v := []byte(strings.Repeat("a", DefaultPayloadCap+10))
	e := NewDecoder(Config{}).Decode(Record{Topic: "t", Value: v}, time.Time{})
	if len(e.Payload) != DefaultPayloadCap || !e.Truncated || e.PayloadSize != len(v) {
		t.Errorf("default cap: len %d truncated %v size %d", len(e.Payload), e.Truncated, e.PayloadSize)
	}
	e = NewDecoder(Config{PayloadCap: 4}).Decode(Record{Topic: "t", Value: []byte("abcd")}, time.Time{})
	if string(e.Payload) != "abcd" || e.Truncated {
		t.Errorf("value at the cap: %q truncated %v", e.Payload, e.Truncated)
	}
}
