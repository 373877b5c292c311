package redact

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/eventscope/eventscope/event"
)

// TestConnectEnvelopeRedacted redacts the records the real Kafka Connect
// JsonConverter wrote (event/testdata/vectors/kafka-connect.json): a rule
// on a business field applies to the unwrapped payload, and neither the
// card number nor the masked key stays readable in the raw copies.
func TestConnectEnvelopeRedacted(t *testing.T) {
	raw, err := os.ReadFile("../event/testdata/vectors/kafka-connect.json")
	if err != nil {
		t.Fatal(err)
	}
	var vf struct {
		Records []struct {
			Name   string
			Record struct {
				Topic, Key string
				Headers    []event.Header
				Value      json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	r, err := New(Config{Rules: []Rule{{Mask: Fields{JSON: []string{"card.number"}, Key: true}}}}, []byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	d := event.NewDecoder(event.Config{})
	for _, v := range vf.Records {
		rec := v.Record
		e := d.Decode(event.Record{Topic: rec.Topic, Key: []byte(rec.Key), Value: rec.Value, Headers: rec.Headers, Timestamp: time.Now()}, time.Now())
		r.Apply(&e)
		b, _ := json.Marshal(e)
		if strings.Contains(string(b), "4111111111111111") {
			t.Errorf("%s: the card number is readable after redaction: %s", v.Name, b)
		}
		if strings.Contains(e.Key+e.KeyRaw, "pay-123") {
			t.Errorf("%s: key %q, key_raw %q: the masked key is readable", v.Name, e.Key, e.KeyRaw)
		}
		if e.PayloadRaw == nil {
			continue
		}
		env := gjson.ParseBytes(e.PayloadRaw)
		if !gjson.ValidBytes(e.PayloadRaw) || !env.Get("schema").Exists() {
			t.Errorf("%s: payload_raw is no longer an envelope: %s", v.Name, e.PayloadRaw)
		}
		if n := gjson.GetBytes(e.Payload, "card.number").Str; n != "" && !strings.HasPrefix(n, Prefix) {
			t.Errorf("%s: card.number %q not masked in the payload", v.Name, n)
		}
		if strings.Contains(v.Name, "debezium") {
			// the raw envelope holds the payload as a JSON string again
			if inner := env.Get("payload"); inner.Type != gjson.String || !strings.Contains(inner.Str, Prefix) {
				t.Errorf("%s: raw payload = %s, want the redacted JSON as a string", v.Name, inner.Raw)
			}
		}
	}
}
