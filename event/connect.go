package event

import (
	"bytes"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

// ConventionKafkaConnect is added to Event.Convention when the value or the
// key was a Kafka Connect JsonConverter envelope that decoding unwrapped.
const ConventionKafkaConnect = "kafka-connect"

// EnvelopeKafkaConnect is the content-type parameter ("; envelope=...")
// that says the payload was unwrapped from a Connect envelope.
const EnvelopeKafkaConnect = "kafka-connect"

// debeziumJSON is the schema name Debezium gives a string that holds JSON
// (a JSON column, or an outbox payload with table.expand.json.payload off).
const debeziumJSON = "io.debezium.data.Json"

// connectPayload unwraps a Kafka Connect JsonConverter envelope (schemas
// enabled): a JSON object whose only members are "schema" (an object or
// null) and "payload". It returns the payload as the business value: an
// object, array or scalar as its JSON text; a string as its content (which
// is JSON itself when the schema is io.debezium.data.Json or the string
// holds a JSON object or array, else text); null as nil. ok is false when
// v is not such an envelope.
func connectPayload(v []byte) (payload []byte, ok bool) {
	t := bytes.TrimLeft(v, " \t\r\n")
	if len(t) < len(`{"schema":null,"payload":0}`) || t[0] != '{' || !bytes.Contains(t, []byte(`"payload"`)) {
		return nil, false
	}
	if !gjson.ValidBytes(t) {
		return nil, false
	}
	var schema, pl gjson.Result
	n := 0
	gjson.Parse(unsafe.String(&t[0], len(t))).ForEach(func(k, val gjson.Result) bool {
		n++
		switch k.Str {
		case "schema":
			schema = val
		case "payload":
			pl = val
		default:
			n = 99
			return false
		}
		return true
	})
	if n != 2 || !pl.Exists() || !(schema.IsObject() || schema.Type == gjson.Null) {
		return nil, false
	}
	switch pl.Type {
	case gjson.Null:
		return nil, true
	case gjson.String:
		s := pl.Str
		if st := strings.TrimSpace(s); schema.Get("name").Str == debeziumJSON && gjson.Valid(st) ||
			(strings.HasPrefix(st, "{") || strings.HasPrefix(st, "[")) && gjson.Valid(st) {
			s = st
		}
		return []byte(strings.Clone(s)), true
	default:
		return []byte(strings.Clone(pl.Raw)), true
	}
}

// keyValue returns the value a key stands for when it is wrapped: the
// payload of a Connect envelope key (a string as itself, anything else as
// its JSON text), or the content of a JSON string key ("pay-123" with its
// quotes, as Connect without schemas and Spring's JSON serializer write
// string keys). ok is false when k is a plain key.
func keyValue(k []byte) (string, bool) {
	if len(k) < 2 {
		return "", false
	}
	switch k[0] {
	case '"':
		if k[len(k)-1] != '"' || !gjson.ValidBytes(k) {
			return "", false
		}
		return gjson.ParseBytes(k).Str, true
	case '{':
		p, ok := connectPayload(k)
		if !ok {
			return "", false
		}
		return string(p), true
	}
	return "", false
}

// RewrapConnect puts payload back into the Connect envelope raw in place
// of its payload, the way raw carried it (a string payload as a JSON
// string): redaction uses it so that the raw copy shows what the redacted
// payload shows. ok is false when raw is not a complete envelope or
// payload cannot take the place of its payload.
func RewrapConnect(raw, payload []byte) ([]byte, bool) {
	if _, ok := connectPayload(raw); !ok {
		return nil, false
	}
	r := gjson.ParseBytes(bytes.TrimLeft(raw, " \t\r\n"))
	schema, old := r.Get("schema"), r.Get("payload")
	var pl []byte
	switch {
	case old.Type == gjson.String:
		pl = appendJSONString(nil, string(payload))
	case len(payload) == 0:
		pl = []byte("null")
	case gjson.ValidBytes(payload):
		pl = payload
	default:
		return nil, false
	}
	out := make([]byte, 0, len(schema.Raw)+len(pl)+24)
	out = append(out, `{"schema":`...)
	out = append(out, schema.Raw...)
	out = append(out, `,"payload":`...)
	out = append(out, pl...)
	return append(out, '}'), true
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
