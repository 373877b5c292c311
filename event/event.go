// Package event holds eventscope's Event model, the decoding of a Kafka
// record into an Event, and the ID conventions that decoding follows
// (DESIGN.md, "ID conventions"). It imports only the standard library and
// small decoders: every other package builds on it.
package event

import (
	"encoding/json"
	"strconv"
	"time"
)

// Header is one Kafka record header. Headers keep their order and may repeat.
type Header struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ID sources.
const (
	// IDSourceDerived marks an event ID made from the record's Kafka
	// coordinates because no convention gave one.
	IDSourceDerived = "derived"
)

// Event is one stored Kafka record with the IDs and metadata decoded from it.
// (Topic, Partition, Offset) is its identity: the same record stored twice is
// one event. Two records with the same EventID are a duplicate publication.
type Event struct {
	EventID  string `json:"event_id"`
	IDSource string `json:"id_source,omitempty"`
	// CopyOf is set on a derived copy (see MarkCopy): the event ID its
	// record carries, which EventID then extends with "@" and the topic.
	CopyOf        string `json:"copy_of,omitempty"`
	CorrelationID string `json:"correlation_id"`
	CausationID   string `json:"causation_id"`
	Type          string `json:"type"`
	Version       string `json:"version,omitempty"`
	Source        string `json:"source"`
	// Time is the event time from its convention; else the record timestamp.
	Time time.Time `json:"time"`

	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Key       string `json:"key"`
	// KeyRaw is the key as the record carried it when Key is what it
	// wraps (a Kafka Connect envelope or a JSON string); else empty.
	KeyRaw string `json:"key_raw,omitempty"`

	KafkaTime  time.Time `json:"kafka_time"`
	IngestedAt time.Time `json:"ingested_at"`

	Headers []Header `json:"headers"`
	// Payload is the record value, at most the decoder's cap.
	Payload []byte `json:"-"`
	// PayloadRaw is the record value as it was (at most the cap) when
	// Payload is what it wrapped (a Kafka Connect envelope); else nil.
	PayloadRaw  []byte `json:"-"`
	PayloadSize int    `json:"payload_size"`
	Truncated   bool   `json:"truncated"`
	// SchemaID is the Confluent Schema Registry schema ID when the value is
	// in the registry's wire format (magic byte 0, 4-byte ID, data); else 0.
	SchemaID int32 `json:"schema_id,omitempty"`

	// Internal marks a record of a framework's internal topic (see
	// IsInternalTopic): stored, but hidden from flows, counts and the
	// service map unless asked for, and never part of an anomaly.
	Internal bool `json:"internal,omitempty"`

	ContentType string `json:"content_type,omitempty"`
	Convention  string `json:"convention,omitempty"`
	// DecodeError notes what could not be read; the event is stored anyway.
	DecodeError string `json:"decode_error,omitempty"`
}

// FlowID is the key of the flow the event belongs to: its correlation ID, or
// when it has none a flow of its own keyed by its Kafka key ("key:K"), or by
// its event ID ("event:ID") when it has no key either.
func (e *Event) FlowID() string {
	switch {
	case e.CorrelationID != "":
		return e.CorrelationID
	case e.Key != "":
		return "key:" + e.Key
	default:
		return "event:" + e.EventID
	}
}

// Coordinates returns "topic/partition/offset", the record's identity.
func (e *Event) Coordinates() string {
	return Coordinates(e.Topic, e.Partition, e.Offset)
}

// Coordinates formats a record's identity as "topic/partition/offset"; it is
// also the derived event ID of a record without one.
func Coordinates(topic string, partition int32, offset int64) string {
	return topic + "/" + strconv.FormatInt(int64(partition), 10) + "/" + strconv.FormatInt(offset, 10)
}

// Payload encodings in the JSON form of an Event.
const (
	EncodingJSON   = "json"
	EncodingText   = "text"
	EncodingBase64 = "base64"
)

// PayloadEncoding says how the payload is best shown: JSON, UTF-8 text, or
// bytes (base64 in JSON, hex in the UI). Text is UTF-8 without control
// characters other than tab, CR and LF; a schema-registry framed value is
// bytes.
func (e *Event) PayloadEncoding() string {
	switch {
	case len(e.Payload) == 0:
		return EncodingText
	case !e.Truncated && json.Valid(e.Payload):
		return EncodingJSON
	case e.SchemaID == 0 && isText(e.Payload):
		return EncodingText
	default:
		return EncodingBase64
	}
}

type eventJSON Event

// MarshalJSON writes the Event as in the JSON API: the payload is embedded as
// JSON when it is JSON, a string when it is text, base64 otherwise, with
// "payload_encoding" saying which.
func (e Event) MarshalJSON() ([]byte, error) {
	enc := e.PayloadEncoding()
	var payload any
	switch enc {
	case EncodingJSON:
		payload = json.RawMessage(e.Payload)
	case EncodingText:
		payload = string(e.Payload)
	default:
		payload = e.Payload // []byte marshals as base64
	}
	if e.Headers == nil {
		e.Headers = []Header{}
	}
	var raw any
	if e.PayloadRaw != nil {
		raw = string(e.PayloadRaw)
		if json.Valid(e.PayloadRaw) {
			raw = json.RawMessage(e.PayloadRaw)
		}
	}
	return json.Marshal(struct {
		eventJSON
		Payload         any    `json:"payload"`
		PayloadEncoding string `json:"payload_encoding"`
		PayloadRaw      any    `json:"payload_raw,omitempty"`
	}{eventJSON(e), payload, enc, raw})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *Event) UnmarshalJSON(b []byte) error {
	var aux struct {
		eventJSON
		Payload         json.RawMessage `json:"payload"`
		PayloadEncoding string          `json:"payload_encoding"`
		PayloadRaw      json.RawMessage `json:"payload_raw"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*e = Event(aux.eventJSON)
	if len(aux.PayloadRaw) > 0 && string(aux.PayloadRaw) != "null" {
		e.PayloadRaw = []byte(aux.PayloadRaw)
		var s string
		if json.Unmarshal(aux.PayloadRaw, &s) == nil {
			e.PayloadRaw = []byte(s)
		}
	}
	switch aux.PayloadEncoding {
	case EncodingJSON:
		e.Payload = []byte(aux.Payload)
	case EncodingBase64:
		return json.Unmarshal(aux.Payload, &e.Payload)
	default:
		var s string
		if len(aux.Payload) > 0 {
			if err := json.Unmarshal(aux.Payload, &s); err != nil {
				return err
			}
		}
		e.Payload = []byte(s)
	}
	return nil
}

// CopyID is the event ID of a derived copy: a record that carries the event
// ID id of an earlier record but sits on another topic with another payload
// (a stream processor such as Kafka Streams forwards the input's headers to
// its outputs). It is id + "@" + topic: unique, because a copy is told apart
// by its topic, and stable, because neither part changes when more records
// arrive.
func CopyID(id, topic string) string { return id + "@" + topic }

// MarkCopy turns e into the derived copy of the event its ID names: EventID
// becomes CopyID(id, topic), CopyOf keeps id, and the copied event is its
// cause (CausationID), so that the copy is drawn after what it copies.
func (e *Event) MarkCopy() {
	if e.CopyOf != "" {
		return
	}
	e.CopyOf = e.EventID
	e.EventID = CopyID(e.EventID, e.Topic)
	e.CausationID = e.CopyOf
}
