package event

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// DefaultPayloadCap is the default number of payload bytes stored per event.
const DefaultPayloadCap = 256 << 10

// Config tunes decoding. The zero value decodes with the defaults: every
// built-in convention, a 256 KiB payload cap, the built-in dead-letter
// topic names. ParseConfig reads it from a YAML file (docs/CONFIG.md).
type Config struct {
	// PayloadCap is how many payload bytes are kept (0: DefaultPayloadCap).
	PayloadCap int
	// DeadLetterPatterns are topic globs (path.Match syntax, matched
	// case-insensitively) that mark dead-letter topics in addition to the
	// built-in names; the diagnose engine applies them (the decoder only
	// reads and validates them).
	DeadLetterPatterns []string
	// Conventions are in-house conventions. They are tried in order before
	// every built-in convention: a field a mapping fills is never
	// overridden by a built-in convention.
	Conventions []Convention
	// InternalTopics is a regular expression (RE2) naming more internal
	// topics than IsInternalTopic knows; their events are stored with
	// Event.Internal set.
	InternalTopics string
	// Schemas decodes values and keys in the Schema Registry wire format
	// to JSON before any convention reads them; nil leaves them as bytes.
	Schemas FramedDecoder
	// Redact, when set, redacts each event Decode returns while it still
	// has its whole payload, before the payload cap cuts it: a value the
	// rules name beyond the cap (an ID the decoder read there) is masked
	// like any other. The redact package's Redactor.Apply.
	Redact func(*Event)
}

// Decoder turns Kafka records into Events following the ID conventions.
// It is safe for concurrent use.
type Decoder struct {
	cfg   Config
	convs []compiledConvention
	// topicConvs caches, per topic, the indexes of the config conventions
	// whose topic patterns match it ([]int).
	topicConvs sync.Map
	internal   *regexp.Regexp
}

// NewDecoder returns a Decoder for cfg. Invalid parts of cfg (see
// Config.Validate) are ignored: a pattern that does not compile matches
// nothing and a mapping without a known field or source does nothing.
func NewDecoder(cfg Config) *Decoder {
	if cfg.PayloadCap <= 0 {
		cfg.PayloadCap = DefaultPayloadCap
	}
	return &Decoder{cfg: cfg, convs: compileConventions(cfg.Conventions), internal: compileInternal(cfg.InternalTopics)}
}

// Decode turns r into an Event. It never fails: what cannot be read is noted
// in Event.DecodeError and the rest is kept. ingestedAt is stored as is.
//
// Each field is taken from the first convention that gives it, in this
// order: config conventions, CloudEvents binary (ce_* headers), CloudEvents
// structured (JSON value), framework headers (Axon, NServiceBus,
// MassTransit, EventStoreDB), plain headers, JSON envelopes (top level, then
// metadata/meta/headers), and for the correlation ID only, trace context
// (ce_traceparent, traceparent, b3, X-B3-TraceId).
func (d *Decoder) Decode(r Record, ingestedAt time.Time) Event {
	e := Event{
		Topic:      r.Topic,
		Partition:  r.Partition,
		Offset:     r.Offset,
		Key:        string(r.Key),
		KafkaTime:  r.Timestamp.UTC(),
		IngestedAt: ingestedAt.UTC(),
		Headers:    r.Headers,
		Internal:   d.IsInternal(r.Topic),
	}
	raw := r.Value
	if k, ok := d.framedKey(r.Topic, r.Key); ok {
		e.KeyRaw, e.Key = e.Key, k
	} else if k, ok := keyValue(r.Key); ok {
		e.KeyRaw, e.Key = e.Key, k
	}
	framed, isFramed, schemaNote := d.framedValue(r.Topic, r.Value)
	if isFramed {
		// Every convention, redaction and the pages read the decoded JSON.
		r.Value, e.PayloadRaw = framed.JSON, raw
	}
	wrapped := false
	if p, ok := connectPayload(r.Value); ok {
		// Every convention reads the business value, not the envelope.
		r.Value, wrapped = p, true
		e.PayloadRaw = raw
	}
	// Whole until redacted (d.cut); what is read of it is the cut view.
	e.PayloadSize, e.Payload = len(r.Value), r.Value
	e.Truncated = len(e.Payload) > d.cfg.PayloadCap
	var s decodeState
	d.applyConventions(&s, r)
	h := scanHeaders(r.Headers, &s)
	j := scanJSON(r.Value, strings.ToLower(h.contentType), &s)

	s.merge(&h.lv[lvCE])
	s.merge(&j.ce)
	s.merge(&h.lv[lvFramework])
	s.merge(&h.lv[lvPlain])
	s.merge(&j.env)
	s.set(sType, springType(h.springType), ConventionSpring)
	if s.conv[sEventID] == ConventionAxon {
		// Axon's traceId is the root message's identifier; a message
		// without one is a root, and its own identifier is the trace
		// (MessageOriginProvider), so it joins its descendants' flow.
		s.set(sCorrelation, s.vals[sEventID], ConventionAxon)
	}
	s.set(sCorrelation, h.ceTrace, ConventionTraceparent)
	s.set(sCorrelation, j.ceTrace, ConventionTraceparent)
	s.set(sCorrelation, h.trace, ConventionTraceparent)
	s.set(sCorrelation, h.b3, ConventionB3)
	s.set(sCorrelation, j.envTrace, ConventionTraceparent)

	e.EventID = s.vals[sEventID]
	e.CorrelationID = s.vals[sCorrelation]
	e.CausationID = s.vals[sCausation]
	e.Type = s.vals[sType]
	e.Source = s.vals[sSource]
	e.Version = s.vals[sVersion]
	e.Convention = s.convention()
	e.Time = s.time
	if e.EventID == "" {
		e.EventID = Coordinates(r.Topic, r.Partition, r.Offset)
		e.IDSource = IDSourceDerived
	}
	canonicalize(&e, &s)
	if e.Time.IsZero() {
		e.Time = e.KafkaTime
	}
	e.SchemaID = schemaID(raw)
	e.ContentType = h.contentType
	if e.ContentType == "" {
		e.ContentType = detectContentType(d.capped(e.Payload), j, e.SchemaID)
	}
	if isFramed {
		e.ContentType = framed.contentType()
	}
	if schemaNote != "" {
		if e.Truncated && strings.HasPrefix(schemaNote, PendingNote(e.SchemaID)) {
			// The stored payload is cut: it cannot be decoded later.
			schemaNote = StopWaiting(schemaNote, e.SchemaID, "payload over the cap, not decoded later")
		}
		// First: a reader finds the records waiting for a schema by it.
		s.notes = append([]string{schemaNote}, s.notes...)
	}
	if wrapped || e.KeyRaw != "" && e.KeyRaw[0] == '{' {
		e.Convention = joinConvention(e.Convention, ConventionKafkaConnect)
	}
	if wrapped {
		e.ContentType = joinParam(e.ContentType, "envelope="+EnvelopeKafkaConnect)
	}
	if len(s.notes) > 0 {
		e.DecodeError = strings.Join(s.notes, "; ")
	}
	d.cut(&e)
	return e
}

// cut redacts e (Config.Redact) while its payload is whole, then cuts the
// payload and its raw copy at the cap.
func (d *Decoder) cut(e *Event) {
	if d.cfg.Redact != nil {
		e.Truncated = false
		d.cfg.Redact(e)
	}
	e.Truncated = len(e.Payload) > d.cfg.PayloadCap
	e.Payload, e.PayloadRaw = d.capped(e.Payload), d.capped(e.PayloadRaw)
}

// capped returns v cut at the payload cap.
func (d *Decoder) capped(v []byte) []byte {
	if len(v) > d.cfg.PayloadCap {
		return v[:d.cfg.PayloadCap]
	}
	return v
}

func joinConvention(conv, add string) string {
	if conv == "" {
		return add
	}
	return conv + "+" + add
}

func joinParam(ct, param string) string {
	if ct == "" {
		return "; " + param
	}
	return ct + "; " + param
}
