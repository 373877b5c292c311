package event

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
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
	// Invalid says why the value does not fit its schema when the format
	// checks more than the encoding (JSON Schema); the JSON is kept.
	Invalid string
}

// ErrFramedData is wrapped by a FramedDecoder's error when the schema was
// had but the data does not fit it: decoding it again later cannot help,
// so the record is not left waiting for its schema.
var ErrFramedData = errors.New("data does not fit its schema")

// SchemaNote starts the DecodeError note of a wire-format value whose
// schema could not be had at ingest; such a payload is kept as it came and
// can be decoded again on read (see NeedsSchema). The note comes first in
// DecodeError, as PendingNote(id) followed by the reason.
const SchemaNote = "schema "

// PendingNote is how DecodeError starts on a record waiting for schema id.
func PendingNote(id int32) string { return SchemaNote + strconv.Itoa(int(id)) + ": " }

// WaitingSchema returns the schema ID a record's DecodeError says it
// waits for (it starts with PendingNote(id)); ok is false when none.
func WaitingSchema(note string) (id int32, ok bool) {
	rest, found := strings.CutPrefix(note, SchemaNote)
	if !found {
		return 0, false
	}
	digits, _, found := strings.Cut(rest, ": ")
	n, err := strconv.ParseInt(digits, 10, 32)
	if !found || err != nil || n <= 0 || strconv.Itoa(int(n)) != digits {
		return 0, false
	}
	return int32(n), true
}

// StopWaiting returns note (a record's DecodeError that starts with
// PendingNote(id)) changed so that the record no longer waits for its
// schema, saying why: its payload cannot be decoded later (cut at the
// payload cap, dropped by redaction).
func StopWaiting(note string, id int32, why string) string {
	return SchemaNote + strconv.Itoa(int(id)) + " (" + why + "): " + strings.TrimPrefix(note, PendingNote(id))
}

// dataNote starts the note of a value whose schema was had but whose data
// does not fit it (not waiting: see ErrFramedData).
func dataNote(id int32) string { return "payload does not fit schema " + strconv.Itoa(int(id)) + ": " }

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
	id := schemaID(e.Payload)
	return e.PayloadRaw == nil && !e.Truncated && id != 0 && strings.HasPrefix(e.DecodeError, PendingNote(id))
}

// framedValue decodes a wire-format value through the configured schema
// source; ok is false when there is none, v is not framed, or decoding
// failed (note then says why).
func (d *Decoder) framedValue(topic string, v []byte) (f Framed, ok bool, note string) {
	if d.cfg.Schemas == nil || schemaID(v) == 0 {
		return Framed{}, false, ""
	}
	f, err := d.cfg.Schemas.DecodeFramed(topic, false, v)
	switch {
	case errors.Is(err, ErrFramedData):
		return Framed{}, false, dataNote(schemaID(v)) + err.Error()
	case err != nil:
		return Framed{}, false, PendingNote(schemaID(v)) + err.Error()
	case f.Invalid != "":
		return f, true, dataNote(f.ID) + f.Invalid
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

// Reindex decodes a stored event whose wire-format payload could not be
// decoded at ingest (NeedsSchema) again as the Kafka record it was, IDs
// included, so that it can be stored again in the flow its payload names
// (store.Rewriter). now is the new version's IngestedAt. ok is false when
// the schema still cannot be had. Headers are the stored ones (already
// redacted when a rule applied): redact the result like ingest does.
func (d *Decoder) Reindex(e Event, now time.Time) (Event, bool) {
	if !NeedsSchema(&e) || d.cfg.Schemas == nil {
		return e, false
	}
	n := d.Decode(e.record(), now)
	if NeedsSchema(&n) {
		return e, false
	}
	return n, true
}

// record is the Kafka record a stored event was decoded from, as far as
// the store kept it (a capped payload stays capped).
func (e *Event) record() Record {
	key := e.Key
	if e.KeyRaw != "" {
		key = e.KeyRaw
	}
	value := e.Payload
	if e.PayloadRaw != nil {
		value = e.PayloadRaw
	}
	return Record{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, Key: []byte(key),
		Value: value, Headers: e.Headers, Timestamp: e.KafkaTime}
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
	n := d.Decode(e.record(), e.IngestedAt)
	if NeedsSchema(&n) {
		return e, false
	}
	e.Payload, e.PayloadRaw, e.PayloadSize, e.Truncated = n.Payload, n.PayloadRaw, n.PayloadSize, n.Truncated
	e.ContentType, e.DecodeError, e.SchemaID = n.ContentType, n.DecodeError, n.SchemaID
	return e, true
}
