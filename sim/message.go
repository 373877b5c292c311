package sim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/sarama"
)

// convention is how a service writes an event's IDs into a Kafka record.
type convention int

const (
	// convEnvelope: JSON {"metadata":{...},"data":{...}} in the value.
	convEnvelope convention = iota
	// convEnvelopeHeaders: the envelope plus plain correlation-id,
	// causation-id and event-id headers.
	convEnvelopeHeaders
	// convCEBinary: CloudEvents Kafka binding, binary mode (ce_* headers,
	// value = data).
	convCEBinary
	// convHeaders: plain headers only, value = data.
	convHeaders
	// convCEStructured: CloudEvents structured mode
	// (application/cloudevents+json).
	convCEStructured
	// convAvro: an Avro envelope in the Schema Registry wire format
	// (schema ID AvroSchemaID), for the tracer's --schema-dir.
	convAvro
)

const (
	eventVersion     = "1"
	contentJSON      = "application/json"
	contentCE        = "application/cloudevents+json"
	ceSpecVersion    = "1.0"
	hdrCorrelationID = "correlation-id"
	hdrCausationID   = "causation-id"
	hdrEventID       = "event-id"
	hdrEventType     = "event-type"
	hdrSource        = "source"
	hdrContentType   = "content-type"
)

// outEvent is an event a service publishes.
type outEvent struct {
	ID            string
	Type          string
	Topic         string
	OrderID       string // the Kafka key
	CorrelationID string
	CausationID   string // empty for a root
	Source        string
	Time          time.Time
	Data          any
	Headers       []sarama.RecordHeader // extra headers, e.g. dead-letter notes
}

type metadata struct {
	EventID       string `json:"eventId"`
	EventType     string `json:"eventType"`
	EventVersion  string `json:"eventVersion"`
	CorrelationID string `json:"correlationId"`
	CausationID   string `json:"causationId,omitempty"`
	Producer      string `json:"producer"`
	Timestamp     string `json:"timestamp"`
}

type envelope struct {
	Metadata *metadata       `json:"metadata"`
	Data     json.RawMessage `json:"data"`
}

type ceStructured struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	Source          string          `json:"source"`
	Time            string          `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	CorrelationID   string          `json:"correlationid,omitempty"`
	CausationID     string          `json:"causationid,omitempty"`
	Data            json.RawMessage `json:"data"`
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// encode turns e into a producer message in convention c.
func encode(e outEvent, c convention) (*sarama.ProducerMessage, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("marshal %s data: %w", e.Type, err)
	}
	ts := formatTime(e.Time)
	var value []byte
	var hs []sarama.RecordHeader
	hdr := func(k, v string) {
		if v != "" {
			hs = append(hs, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
		}
	}
	plain := func() {
		hdr(hdrCorrelationID, e.CorrelationID)
		hdr(hdrCausationID, e.CausationID)
		hdr(hdrEventID, e.ID)
	}
	switch c {
	case convEnvelope, convEnvelopeHeaders:
		value, err = json.Marshal(envelope{Metadata: &metadata{
			EventID: e.ID, EventType: e.Type, EventVersion: eventVersion,
			CorrelationID: e.CorrelationID, CausationID: e.CausationID,
			Producer: e.Source, Timestamp: ts,
		}, Data: data})
		hdr(hdrContentType, contentJSON)
		if c == convEnvelopeHeaders {
			plain()
		}
	case convCEBinary:
		value = data
		hdr("ce_specversion", ceSpecVersion)
		hdr("ce_id", e.ID)
		hdr("ce_type", e.Type)
		hdr("ce_source", e.Source)
		hdr("ce_time", ts)
		hdr("ce_correlationid", e.CorrelationID)
		hdr("ce_causationid", e.CausationID)
		hdr(hdrContentType, contentJSON)
	case convHeaders:
		value = data
		plain()
		hdr(hdrEventType, e.Type)
		hdr(hdrSource, e.Source)
	case convCEStructured:
		value, err = json.Marshal(ceStructured{
			SpecVersion: ceSpecVersion, ID: e.ID, Type: e.Type, Source: e.Source,
			Time: ts, DataContentType: contentJSON,
			CorrelationID: e.CorrelationID, CausationID: e.CausationID, Data: data,
		})
		hdr(hdrContentType, contentCE)
	case convAvro:
		value, err = encodeAvro(e, data)
	default:
		return nil, fmt.Errorf("unknown convention %d", c)
	}
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", e.Type, err)
	}
	hs = append(hs, e.Headers...)
	return &sarama.ProducerMessage{
		Topic:     e.Topic,
		Key:       sarama.StringEncoder(e.OrderID),
		Value:     sarama.ByteEncoder(value),
		Headers:   hs,
		Timestamp: e.Time,
	}, nil
}

// inEvent is an event a service (or a test) read back from Kafka, whatever
// convention wrote it.
type inEvent struct {
	ID            string
	Type          string
	CorrelationID string
	CausationID   string
	Source        string
	Time          time.Time
	OrderID       string // the Kafka key
	Data          json.RawMessage
}

var errNoEventID = errors.New("no event ID in record")

// decode reads the shop's own conventions back: CloudEvents binary, then
// CloudEvents structured, then the JSON envelope, then plain headers. An
// event without a time of its own (plain headers) takes the record's.
func decode(key, value []byte, headers []*sarama.RecordHeader, recordTime time.Time) (inEvent, error) {
	h := make(map[string]string, len(headers))
	for _, x := range headers {
		if x != nil {
			h[strings.ToLower(string(x.Key))] = string(x.Value)
		}
	}
	in := inEvent{OrderID: string(key), Time: recordTime}
	var ts string
	switch {
	case h["ce_id"] != "":
		in.ID, in.Type, in.Source, ts = h["ce_id"], h["ce_type"], h["ce_source"], h["ce_time"]
		in.CorrelationID, in.CausationID = h["ce_correlationid"], h["ce_causationid"]
		in.Data = value
	case strings.HasPrefix(h[hdrContentType], contentCE):
		var ce ceStructured
		if err := json.Unmarshal(value, &ce); err != nil {
			return in, fmt.Errorf("decode cloudevent: %w", err)
		}
		in.ID, in.Type, in.Source, ts = ce.ID, ce.Type, ce.Source, ce.Time
		in.CorrelationID, in.CausationID, in.Data = ce.CorrelationID, ce.CausationID, ce.Data
	default:
		var env envelope
		if json.Unmarshal(value, &env) == nil && env.Metadata != nil {
			m := env.Metadata
			in.ID, in.Type, in.Source, ts = m.EventID, m.EventType, m.Producer, m.Timestamp
			in.CorrelationID, in.CausationID, in.Data = m.CorrelationID, m.CausationID, env.Data
			break
		}
		in.ID, in.Type, in.Source = h[hdrEventID], h[hdrEventType], h[hdrSource]
		in.CorrelationID, in.CausationID, in.Data = h[hdrCorrelationID], h[hdrCausationID], value
	}
	if in.ID == "" {
		return in, errNoEventID
	}
	if ts != "" {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return in, fmt.Errorf("event %s time: %w", in.ID, err)
		}
		in.Time = t
	}
	return in, nil
}

// NewUUID returns a random (version 4) UUID, as the demo's services and
// the ingest benchmark (data like production) use for IDs.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return FormatUUID(b)
}

// FormatUUID returns b as a version 4 UUID in its text form (it sets the
// version and variant bits): random bytes from any source make a valid
// UUID, so a benchmark with a seeded generator gets the same IDs each run.
func FormatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
