package event

import (
	"encoding/json"
	"strconv"
	"strings"
)

// FramedDecoder decodes values and keys in the Confluent Schema Registry
// wire format (magic byte 0, 4-byte schema ID, for Protobuf the message
// indexes, then the data) to JSON. The schema package implements it; the
// Decoder calls it (Config.Schemas) before any convention reads a payload.
// DecodeFramed must not block for long: when the schema cannot be had now
// it returns an error at once and the record is stored as it came.
type FramedDecoder interface {
	DecodeFramed(topic string, isKey bool, b []byte) (Framed, error)
}

// Framed is a wire-format value decoded to JSON, and what its schema is.
type Framed struct {
	JSON    []byte
	Format  string // avro, protobuf or json (JSON Schema)
	ID      int32
	Subject string // empty when the source does not say
	Version int    // 0 when the source does not say
}

// SchemaNote starts the DecodeError note of a wire-format value whose
// schema could not be had at ingest; such a payload is kept as it came and
// can be decoded again on read (see NeedsSchema).
const SchemaNote = "schema "

// contentType is the content type of a decoded value: JSON with the schema
// as parameters, e.g. "application/json; schema=avro; schema-id=3;
// subject=orders-value; version=2".
func (f Framed) contentType() string {
	var b strings.Builder
	b.WriteString(ContentTypeJSON + "; schema=" + f.Format + "; schema-id=" + strconv.Itoa(int(f.ID)))
	if f.Subject != "" {
		b.WriteString("; subject=" + f.Subject)
	}
	if f.Version > 0 {
		b.WriteString("; version=" + strconv.Itoa(f.Version))
	}
	return b.String()
}

// SchemaParams returns the schema parameters of a decoded value's content
// type (format, schema-id, subject, version), or nil when it has none.
func SchemaParams(contentType string) map[string]string {
	if !strings.Contains(contentType, "schema=") {
		return nil
	}
	out := map[string]string{}
	for _, p := range strings.Split(contentType, ";")[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && (k == "schema" || k == "schema-id" || k == "subject" || k == "version") {
			out[k] = v
		}
	}
	return out
}

// FillSchemaID sets e.SchemaID from its stored form when a store did not
// keep it: the schema-id parameter of a decoded value's content type, or
// the wire format of a payload kept as it came.
func FillSchemaID(e *Event) {
	if e.SchemaID != 0 {
		return
	}
	if e.SchemaID = schemaID(e.PayloadRaw); e.SchemaID == 0 {
		e.SchemaID = schemaID(e.Payload)
	}
	if id, err := strconv.Atoi(SchemaParams(e.ContentType)["schema-id"]); e.SchemaID == 0 && err == nil {
		e.SchemaID = int32(id)
	}
}

// NeedsSchema reports whether e was stored with a wire-format payload that
// could not be decoded at ingest (the schema source did not answer): a
// reader may decode it again with Decoder.Redecode.
func NeedsSchema(e *Event) bool {
	return e.PayloadRaw == nil && !e.Truncated && strings.HasPrefix(e.DecodeError, SchemaNote) && schemaID(e.Payload) != 0
}

// framedValue decodes a wire-format value through the configured schema
// source; ok is false when there is none, v is not framed, or decoding
// failed (note then says why).
func (d *Decoder) framedValue(topic string, v []byte) (f Framed, ok bool, note string) {
	if d.cfg.Schemas == nil || schemaID(v) == 0 {
		return Framed{}, false, ""
	}
	f, err := d.cfg.Schemas.DecodeFramed(topic, false, v)
	if err != nil {
		return Framed{}, false, SchemaNote + strconv.Itoa(int(schemaID(v))) + ": " + err.Error()
	}
	return f, true, ""
}

// framedKey returns the JSON of a wire-format key (a JSON string as its
// content); ok is false when the key is not framed or cannot be decoded.
func (d *Decoder) framedKey(topic string, k []byte) (string, bool) {
	if d.cfg.Schemas == nil || schemaID(k) == 0 {
		return "", false
	}
	f, err := d.cfg.Schemas.DecodeFramed(topic, true, k)
	if err != nil {
		return "", false
	}
	if len(f.JSON) > 0 && f.JSON[0] == '"' {
		var s string
		if json.Unmarshal(f.JSON, &s) == nil {
			return s, true
		}
	}
	return string(f.JSON), true
}

// Redecode decodes a stored event whose wire-format payload could not be
// decoded at ingest (NeedsSchema) again, now that the schema source may
// answer. Only the payload side changes (payload, raw copy, content type,
// decode note): the IDs stay those the store indexed the event by. ok is
// false when nothing changed.
func (d *Decoder) Redecode(e Event) (Event, bool) {
	if !NeedsSchema(&e) || d.cfg.Schemas == nil {
		return e, false
	}
	key := e.Key
	if e.KeyRaw != "" {
		key = e.KeyRaw
	}
	n := d.Decode(Record{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, Key: []byte(key),
		Value: e.Payload, Headers: e.Headers, Timestamp: e.KafkaTime}, e.IngestedAt)
	if NeedsSchema(&n) {
		return e, false
	}
	e.Payload, e.PayloadRaw, e.PayloadSize, e.Truncated = n.Payload, n.PayloadRaw, n.PayloadSize, n.Truncated
	e.ContentType, e.DecodeError, e.SchemaID = n.ContentType, n.DecodeError, n.SchemaID
	return e, true
}
