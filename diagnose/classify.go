package diagnose

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/eventscope/eventscope/event"
)

// Class is what one event is, on its own, to the rules: a record on a
// dead-letter topic, a failure (by type, payload field, header or dead
// letter) with its reason, a compensation by type (whether it compensates a
// failure depends on the flow). Stores compute it at write time, when they
// still have the payload and headers, and keep it with the record.
type Class struct {
	DeadLetter   bool `json:"dead_letter,omitempty"`
	Failure      bool `json:"failure,omitempty"`
	Compensation bool `json:"compensation,omitempty"`
	// Redrive: the record is a dead letter re-published to its original
	// topic by eventscope (it carries RedriveHeader). It repeats the event
	// ID of the record it redrives on purpose: it is no duplicate.
	Redrive bool `json:"redrive,omitempty"`
	// UnpublishedCause: the event's cause may be a message never
	// published to Kafka (Config.UnpublishedCauses): unseen, it is no
	// orphan.
	UnpublishedCause bool   `json:"unpublished_cause,omitempty"`
	Reason           string `json:"reason,omitempty"`
}

// RedriveHeader is the header a redriven record carries: the dead-letter
// record's "topic/partition/offset" (package redrive writes it).
const RedriveHeader = "eventscope-redriven-from"

// Classify classifies one event.
func (c *Config) Classify(e *event.Event) Class {
	return c.classify(e, c.IsDeadLetter(e.Topic), c.typeClass(e.Type))
}

// typeClass is what a type name reads as: a failure, a compensation.
type typeClass struct{ failure, compensation bool }

func (c *Config) typeClass(typ string) typeClass {
	return typeClass{failure: c.IsFailureType(typ), compensation: c.IsCompensationType(typ)}
}

// Classifier is Classify for the events of one flow or batch, keeping the
// answers that depend on the topic alone and on the type alone (the
// pattern matching that was nine tenths of Classify's time): a flow has a
// few topics and types and many events. Not safe for concurrent use: make
// one per loop. The Config must not change while it is used.
type Classifier struct {
	c      *Config
	topics map[string]bool
	types  map[string]typeClass
}

// Classifier returns a new Classifier of c.
func (c *Config) Classifier() *Classifier {
	return &Classifier{c: c, topics: map[string]bool{}, types: map[string]typeClass{}}
}

// Classify is Config.Classify.
func (k *Classifier) Classify(e *event.Event) Class {
	dl, ok := k.topics[e.Topic]
	if !ok {
		dl = k.c.IsDeadLetter(e.Topic)
		k.topics[e.Topic] = dl
	}
	tc, ok := k.types[e.Type]
	if !ok {
		tc = k.c.typeClass(e.Type)
		k.types[e.Type] = tc
	}
	return k.c.classify(e, dl, tc)
}

// classify is Classify with the topic's and the type's answers given.
func (c *Config) classify(e *event.Event, deadLetter bool, tc typeClass) Class {
	cl := Class{DeadLetter: deadLetter, Compensation: tc.compensation,
		Redrive: header(e.Headers, RedriveHeader) != "", UnpublishedCause: c.CauseMayBeUnpublished(e)}
	fields := c.payloadFields(e.Payload)
	cl.Failure = cl.DeadLetter || tc.failure
	if !cl.Failure {
		for _, f := range c.FailureFields {
			if fields[f] != "" {
				cl.Failure = true
				break
			}
		}
	}
	if !cl.Failure {
		for _, h := range c.FailureHeaders {
			if header(e.Headers, h) != "" {
				cl.Failure = true
				break
			}
		}
	}
	if !cl.Failure {
		return cl
	}
	for _, f := range c.ReasonFields {
		if v := fields[f]; v != "" {
			cl.Reason = v
			return cl
		}
	}
	for _, h := range c.ReasonHeaders {
		if v := header(e.Headers, h); v != "" {
			cl.Reason = v
			return cl
		}
	}
	return cl
}

// header is the value of the first header named name (case-insensitive).
func header(hs []event.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Key, name) {
			return strings.TrimSpace(h.Value)
		}
	}
	return ""
}

// maxReason bounds a reason's length (in bytes, cut at a rune boundary).
const maxReason = 300

// payloadFields returns the non-empty failure and reason fields of a JSON
// object payload: at its top level first, then under each nest. It parses
// the payload only when one of the field names occurs in it.
func (c *Config) payloadFields(p []byte) map[string]string {
	if len(p) == 0 || p[0] != '{' && !bytes.HasPrefix(bytes.TrimSpace(p), []byte("{")) {
		return nil
	}
	mentioned := false
	for _, names := range [][]string{c.FailureFields, c.ReasonFields} {
		for _, f := range names {
			if bytes.Contains(p, []byte(`"`+f+`"`)) {
				mentioned = true
			}
		}
	}
	if !mentioned {
		return nil
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(p, &top) != nil {
		return nil
	}
	out := map[string]string{}
	levels := []map[string]json.RawMessage{top}
	for _, n := range c.PayloadNests {
		var sub map[string]json.RawMessage
		if raw, ok := top[n]; ok && json.Unmarshal(raw, &sub) == nil {
			levels = append(levels, sub)
		}
	}
	for _, names := range [][]string{c.FailureFields, c.ReasonFields} {
		for _, f := range names {
			for _, l := range levels {
				if _, done := out[f]; done {
					break
				}
				if v := text(l[f]); v != "" {
					out[f] = v
				}
			}
		}
	}
	return out
}

// text is a JSON value as a reason: a string as is, an object's "message"
// or the compact JSON, nothing for null, false, "" and empty containers.
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	switch raw[0] {
	case '"':
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
	case 'n', 'f':
		return ""
	case '{':
		var o map[string]json.RawMessage
		if json.Unmarshal(raw, &o) != nil || len(o) == 0 {
			return ""
		}
		if m := text(o["message"]); m != "" {
			return m
		}
		s = string(raw)
	case '[':
		if bytes.Equal(bytes.Join(bytes.Fields(raw), nil), []byte("[]")) {
			return ""
		}
		s = string(raw)
	default:
		s = string(raw)
	}
	s = strings.TrimSpace(s)
	if len(s) > maxReason {
		cut := maxReason
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// CauseMayBeUnpublished reports whether e's causation ID may name a
// message never published to Kafka: e's IDs were read by one of the
// UnpublishedCauses conventions.
func (c *Config) CauseMayBeUnpublished(e *event.Event) bool {
	if e.CausationID == "" || e.Convention == "" {
		return false
	}
	for conv := range strings.SplitSeq(e.Convention, "+") {
		for _, u := range c.UnpublishedCauses {
			if conv == u {
				return true
			}
		}
	}
	return false
}

// Bits of a Class's flags in their stored form (Class.Bits): stores keep
// them in a small integer column. The values never change.
const (
	BitDeadLetter   = 1
	BitFailure      = 2
	BitCompensation = 4
	BitRedrive      = 8
	BitUnpublished  = 16 // UnpublishedCause
)

// Bits encodes the class's flags (not its reason).
func (c Class) Bits() uint8 {
	var b uint8
	if c.DeadLetter {
		b |= BitDeadLetter
	}
	if c.Failure {
		b |= BitFailure
	}
	if c.Compensation {
		b |= BitCompensation
	}
	if c.Redrive {
		b |= BitRedrive
	}
	if c.UnpublishedCause {
		b |= BitUnpublished
	}
	return b
}

// ClassOf decodes Bits and a reason.
func ClassOf(bits uint8, reason string) Class {
	return Class{DeadLetter: bits&BitDeadLetter != 0, Failure: bits&BitFailure != 0,
		Compensation: bits&BitCompensation != 0, Redrive: bits&BitRedrive != 0,
		UnpublishedCause: bits&BitUnpublished != 0, Reason: reason}
}
