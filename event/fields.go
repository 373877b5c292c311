package event

import (
	"strings"
	"time"
)

// Field names an Event field that a convention or a config mapping can fill.
type Field string

// Fields a mapping can fill.
const (
	FieldEventID       Field = "event_id"
	FieldCorrelationID Field = "correlation_id"
	FieldCausationID   Field = "causation_id"
	FieldType          Field = "type"
	FieldSource        Field = "source"
	FieldVersion       Field = "version"
	FieldTime          Field = "time"
)

// Convention names recorded in Event.Convention.
const (
	ConventionCloudEventsBinary     = "cloudevents-binary"
	ConventionCloudEventsStructured = "cloudevents-structured"
	ConventionCloudEventsBatch      = "cloudevents-batch"
	ConventionHeaders               = "headers"
	ConventionAxon                  = "axon"
	ConventionNServiceBus           = "nservicebus"
	ConventionMassTransit           = "masstransit"
	ConventionJSONEnvelope          = "json-envelope"
	ConventionEventStoreDB          = "eventstoredb"
	ConventionTraceparent           = "traceparent"
	ConventionB3                    = "b3"
	ConventionSpring                = "spring"
	// ConventionConfig is the name of a config-file convention without a name.
	ConventionConfig = "config"
)

// slot indexes the string fields a decoder fills.
type slot uint8

const (
	sEventID slot = iota
	sCorrelation
	sCausation
	sType
	sSource
	sVersion
	numSlots
)

// slotOf maps a config Field to its slot; time is handled apart.
func slotOf(f Field) (slot, bool) {
	switch f {
	case FieldEventID:
		return sEventID, true
	case FieldCorrelationID:
		return sCorrelation, true
	case FieldCausationID:
		return sCausation, true
	case FieldType:
		return sType, true
	case FieldSource:
		return sSource, true
	case FieldVersion:
		return sVersion, true
	}
	return 0, false
}

// cand is one value a convention offers for a field.
type cand struct {
	val, conv string
}

// candidates is what one convention level offers; within a level the first
// value offered for a field wins.
type candidates struct {
	f     [numSlots]cand
	t     time.Time
	tconv string
}

func (c *candidates) set(s slot, v, conv string) {
	if c.f[s].val == "" && v != "" {
		c.f[s] = cand{v, conv}
	}
}

func (c *candidates) setTime(t time.Time, conv string) {
	if c.t.IsZero() && !t.IsZero() {
		c.t, c.tconv = t, conv
	}
}

// decodeState accumulates the decoded fields across conventions in
// precedence order: the first convention to give a field wins it.
type decodeState struct {
	vals  [numSlots]string
	conv  [numSlots]string // the convention that gave each field
	time  time.Time
	notes []string
}

func (s *decodeState) set(sl slot, v, conv string) {
	if s.vals[sl] != "" || v == "" {
		return
	}
	s.vals[sl] = v
	s.conv[sl] = conv
}

func (s *decodeState) setTime(t time.Time) {
	if s.time.IsZero() && !t.IsZero() {
		s.time = t
	}
}

// merge takes every field of c that is still empty.
func (s *decodeState) merge(c *candidates) {
	for i := range c.f {
		if c.f[i].val != "" {
			s.set(slot(i), c.f[i].val, c.f[i].conv)
		}
	}
	s.setTime(c.t)
}

func (s *decodeState) note(msg string) {
	s.notes = append(s.notes, msg)
}

// convention names the conventions that gave the IDs, joined by "+": first
// the one that gave the correlation ID (the flow), then the event ID's, then
// the causation ID's, each once; e.g. "nservicebus" or
// "traceparent+cloudevents-binary".
func (s *decodeState) convention() string {
	a, b, c := s.conv[sCorrelation], s.conv[sEventID], s.conv[sCausation]
	if b == a {
		b = ""
	}
	if c == a || c == b {
		c = ""
	}
	out := a
	for _, x := range [...]string{b, c} {
		if x != "" && out != "" {
			out += "+" + x
		} else if x != "" {
			out = x
		}
	}
	return out
}

// quote shortens v for a decode_error note.
func quote(v string) string {
	const max = 64
	if len(v) > max {
		v = v[:max] + "…"
	}
	return `"` + strings.ToValidUTF8(v, "?") + `"`
}
