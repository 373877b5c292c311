package replay

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/eventscope/eventscope/event"
)

// decodePayload parses e's payload as a JSON object. On failure it returns
// nil and a note saying why the step is skipped.
func decodePayload(e *event.Event) (map[string]any, string) {
	switch {
	case len(e.Payload) == 0:
		return nil, "empty payload: state unchanged"
	case e.Truncated:
		return nil, "payload truncated: state unchanged"
	}
	v, err := parseJSON(e.Payload)
	if err != nil {
		return nil, "payload is not JSON (" + e.PayloadEncoding() + "): state unchanged"
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, "payload is a JSON " + jsonKind(v) + ", not an object: state unchanged"
	}
	return obj, ""
}

// envelopeKeys are members an envelope carries next to the business data,
// normalised (lower case, without "-" and "_"): the decoder reads IDs,
// types and times from them.
var envelopeKeys = map[string]bool{
	"metadata": true, "meta": true, "headers": true,
	"eventid": true, "messageid": true, "eventtype": true, "messagetype": true, "eventname": true,
	"eventversion": true, "schemaversion": true,
	"correlationid": true, "conversationid": true, "$correlationid": true,
	"causationid": true, "initiatorid": true, "$causationid": true,
	"producer": true, "timestamp": true, "eventtime": true, "occurredat": true, "senttime": true,
	"specversion": true, "traceparent": true, "tracestate": true,
	"datacontenttype": true, "dataschema": true,
}

// cloudEventKeys are envelope members only in a CloudEvents body: in any
// other object they are likely business data.
var cloudEventKeys = map[string]bool{"id": true, "type": true, "source": true, "time": true, "subject": true}

func normKey(k string) string {
	b := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// stateObject picks the part of a payload that patches the entity state.
// whole is true when that part is the payload itself (no "data" member).
func stateObject(root map[string]any) (obj map[string]any, whole bool, note string) {
	if d, ok := root["data"]; ok {
		if m, ok := d.(map[string]any); ok {
			return m, false, ""
		}
		return nil, false, "data is a JSON " + jsonKind(d) + ", not an object: state unchanged"
	}
	if _, ok := root["data_base64"]; ok {
		return nil, false, "data is binary (data_base64): state unchanged"
	}
	if m, ok := root["message"].(map[string]any); ok {
		if _, ok := root["messageId"]; ok { // MassTransit envelope
			return m, false, ""
		}
	}
	_, ce := root["specversion"]
	obj = make(map[string]any, len(root))
	for k, v := range root {
		n := normKey(k)
		if envelopeKeys[n] || (ce && cloudEventKeys[n]) {
			continue
		}
		obj[k] = v
	}
	return obj, true, ""
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}

// ErrBadPath is returned (wrapped) by ParsePath.
var ErrBadPath = errors.New("bad JSON path")

// ParsePath splits a dotted JSON path ("data.orderId", "items.0.sku") into
// its members. A "\" escapes the next character, so "a\.b" is the one
// member "a.b". Empty members are an error.
func ParsePath(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return nil, errors.Join(ErrBadPath, errors.New("trailing backslash in "+strconv.Quote(s)))
			}
			i++
			cur.WriteByte(s[i])
		case '.':
			if cur.Len() == 0 {
				return nil, errors.Join(ErrBadPath, errors.New("empty member in "+strconv.Quote(s)))
			}
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() == 0 {
		return nil, errors.Join(ErrBadPath, errors.New("empty member in "+strconv.Quote(s)))
	}
	return append(out, cur.String()), nil
}

// JoinPath appends member key to a dotted path, escaping "." and "\" in
// key so ParsePath reads it back. parent "" is the root.
func JoinPath(parent, key string) string {
	if strings.ContainsAny(key, `.\`) {
		key = strings.NewReplacer(`\`, `\\`, `.`, `\.`).Replace(key)
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// lookup follows path from v; ok is false when a member is missing or null.
func lookup(v any, path []string) (any, bool) {
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(x) {
				return nil, false
			}
			v = x[n]
		default:
			return nil, false
		}
	}
	return v, v != nil
}

// keyString renders an entity key value: strings as they are, other
// values as compact JSON.
func keyString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
