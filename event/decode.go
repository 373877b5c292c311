package event

import (
	"encoding/json"
	"strings"
	"time"
)

// DefaultPayloadCap is the default number of payload bytes stored per event.
const DefaultPayloadCap = 256 << 10

// Config tunes decoding. The zero value decodes with the defaults.
type Config struct {
	// PayloadCap is how many payload bytes are kept (0: DefaultPayloadCap).
	PayloadCap int
}

// Decoder turns Kafka records into Events following the ID conventions.
// It is safe for concurrent use.
type Decoder struct {
	cfg Config
}

// NewDecoder returns a Decoder for cfg.
func NewDecoder(cfg Config) *Decoder {
	if cfg.PayloadCap <= 0 {
		cfg.PayloadCap = DefaultPayloadCap
	}
	return &Decoder{cfg: cfg}
}

// Decode turns r into an Event. It never fails: what cannot be read is noted
// in Event.DecodeError and the rest is kept. ingestedAt is stored as is.
func (d *Decoder) Decode(r Record, ingestedAt time.Time) Event {
	e := Event{
		Topic:       r.Topic,
		Partition:   r.Partition,
		Offset:      r.Offset,
		Key:         string(r.Key),
		KafkaTime:   r.Timestamp.UTC(),
		IngestedAt:  ingestedAt.UTC(),
		Headers:     r.Headers,
		PayloadSize: len(r.Value),
	}
	e.Payload = r.Value
	if len(e.Payload) > d.cfg.PayloadCap {
		e.Payload = e.Payload[:d.cfg.PayloadCap]
		e.Truncated = true
	}
	d.fromHeaders(&e, r.Headers)
	d.fromJSON(&e, r.Value)
	if e.EventID == "" {
		e.EventID = Coordinates(r.Topic, r.Partition, r.Offset)
		e.IDSource = IDSourceDerived
	}
	if e.Time.IsZero() {
		e.Time = e.KafkaTime
	}
	return e
}

func normHeader(k string) string {
	k = strings.ToLower(k)
	return strings.NewReplacer("-", "", "_", "", ".", "").Replace(k)
}

func (d *Decoder) fromHeaders(e *Event, hs []Header) {
	found := false
	set := func(dst *string, v string) {
		if *dst == "" && v != "" {
			*dst = v
			found = true
		}
	}
	for _, h := range hs {
		switch normHeader(h.Key) {
		case "correlationid", "xcorrelationid":
			set(&e.CorrelationID, h.Value)
		case "causationid", "xcausationid":
			set(&e.CausationID, h.Value)
		case "eventid", "messageid":
			set(&e.EventID, h.Value)
		case "eventtype":
			set(&e.Type, h.Value)
		case "contenttype":
			e.ContentType = h.Value
		}
	}
	if found {
		e.Convention = "headers"
	}
}

type envelope struct {
	EventID       string          `json:"eventId"`
	EventType     string          `json:"eventType"`
	CorrelationID string          `json:"correlationId"`
	CausationID   string          `json:"causationId"`
	Producer      string          `json:"producer"`
	Timestamp     string          `json:"timestamp"`
	Metadata      json.RawMessage `json:"metadata"`
}

func (d *Decoder) fromJSON(e *Event, v []byte) {
	if len(v) == 0 || v[0] != '{' {
		return
	}
	var env envelope
	if err := json.Unmarshal(v, &env); err != nil {
		e.DecodeError = "payload: " + err.Error()
		return
	}
	if len(env.Metadata) > 0 {
		var meta envelope
		if json.Unmarshal(env.Metadata, &meta) == nil {
			fill(&env, meta)
		}
	}
	found := false
	set := func(dst *string, v string) {
		if *dst == "" && v != "" {
			*dst = v
			found = true
		}
	}
	set(&e.EventID, env.EventID)
	set(&e.Type, env.EventType)
	set(&e.CorrelationID, env.CorrelationID)
	set(&e.CausationID, env.CausationID)
	set(&e.Source, env.Producer)
	if env.Timestamp != "" {
		if t, err := time.Parse(time.RFC3339Nano, env.Timestamp); err == nil && e.Time.IsZero() {
			e.Time = t.UTC()
			found = true
		}
	}
	if found && e.Convention == "" {
		e.Convention = "json-envelope"
	}
}

func fill(dst *envelope, src envelope) {
	pick := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	pick(&dst.EventID, src.EventID)
	pick(&dst.EventType, src.EventType)
	pick(&dst.CorrelationID, src.CorrelationID)
	pick(&dst.CausationID, src.CausationID)
	pick(&dst.Producer, src.Producer)
	pick(&dst.Timestamp, src.Timestamp)
}
