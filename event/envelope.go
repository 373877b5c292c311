package event

import (
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"
)

// jkey indexes the JSON envelope keys the scanner knows. Keys are matched
// normalised like headers, so eventId, event_id and EventId are one key.
type jkey uint8

const (
	jID jkey = iota
	jEventID
	jMessageID
	jType
	jEventType
	jMessageType
	jEventName
	jVersion
	jEventVersion
	jSchemaVersion
	jCorrelationID
	jConversationID
	jESCorrelationID
	jCausationID
	jInitiatorID
	jESCausationID
	jSource
	jProducer
	jService
	jSourceAddress
	jTime
	jTimestamp
	jEventTime
	jOccurredAt
	jSentTime
	jSpecVersion
	jTraceparent
	jMessage
	jMetadata
	jMeta
	jHeaders
	numJKeys
)

var jsonKeys = map[string]jkey{
	"id": jID, "eventid": jEventID, "messageid": jMessageID,
	"type": jType, "eventtype": jEventType, "messagetype": jMessageType, "eventname": jEventName,
	"version": jVersion, "eventversion": jEventVersion, "schemaversion": jSchemaVersion,
	"correlationid": jCorrelationID, "conversationid": jConversationID, "$correlationid": jESCorrelationID,
	"causationid": jCausationID, "initiatorid": jInitiatorID, "$causationid": jESCausationID,
	"source": jSource, "producer": jProducer, "service": jService, "sourceaddress": jSourceAddress,
	"time": jTime, "timestamp": jTimestamp, "eventtime": jEventTime, "occurredat": jOccurredAt, "senttime": jSentTime,
	"specversion": jSpecVersion, "traceparent": jTraceparent, "message": jMessage,
	"metadata": jMetadata, "meta": jMeta, "headers": jHeaders,
}

// jsonScan is what a JSON value offers. CloudEvents structured mode ranks
// above headers; every other envelope ranks below them.
type jsonScan struct {
	ce       candidates
	env      candidates
	ceTrace  string // trace ID of a structured CloudEvent's traceparent
	envTrace string // trace ID of an envelope's traceparent
	isCE     bool
	isJSON   bool
}

type jobject = [numJKeys]gjson.Result

// scanJSON reads the envelope fields of a JSON object value (or of the first
// event of a CloudEvents batch) without building maps: gjson walks the
// value once per object and only the wanted strings are copied out.
func scanJSON(v []byte, contentType string, s *decodeState) (j jsonScan) {
	v = JSONStart(v)
	if len(v) == 0 || (v[0] != '{' && v[0] != '[') {
		return j
	}
	if !gjson.ValidBytes(v) {
		s.note("payload: invalid JSON")
		return j
	}
	j.isJSON = true
	// The value outlives this call and is not modified during it; every
	// string kept is cloned (str), so no Event field aliases the record.
	root := gjson.Parse(unsafe.String(&v[0], len(v)))
	ceConv := ConventionCloudEventsStructured
	if root.IsArray() {
		root = root.Get("0")
		if !root.IsObject() || !(strings.Contains(contentType, "cloudevents-batch") || root.Get("specversion").Exists()) {
			return j
		}
		ceConv = ConventionCloudEventsBatch
	}
	if !root.IsObject() {
		return j
	}
	var top jobject
	collect(root, &top)
	switch {
	case top[jSpecVersion].Exists():
		j.isCE = true
		j.ceTrace = composeCE(&top, &j.ce, ceConv, s)
	default:
		mt := strings.Contains(contentType, "vnd.masstransit")
		j.envTrace = composeEnvelope(&top, false, mt, &j.env)
	}
	for _, k := range [...]jkey{jMetadata, jMeta, jHeaders} {
		if !top[k].IsObject() {
			continue
		}
		var nested jobject
		collect(top[k], &nested)
		if t := composeEnvelope(&nested, true, false, &j.env); j.envTrace == "" {
			j.envTrace = t
		}
	}
	return j
}

// collect records the first value of every known key of obj.
func collect(obj gjson.Result, out *jobject) {
	var buf [64]byte
	obj.ForEach(func(k, v gjson.Result) bool {
		if n := normKey(&buf, k.Str); n != nil {
			if jk, ok := jsonKeys[string(n)]; ok && !out[jk].Exists() {
				out[jk] = v
			}
		}
		return true
	})
}

// composeCE reads a structured CloudEvent (JSON event format) and returns
// the trace ID of its traceparent extension, if any.
func composeCE(o *jobject, c *candidates, conv string, s *decodeState) string {
	c.setJSON(sEventID, o[jID], conv)
	c.setJSON(sType, o[jType], conv)
	c.setJSON(sSource, o[jSource], conv)
	c.setJSON(sCorrelation, o[jCorrelationID], conv)
	c.setJSON(sCausation, o[jCausationID], conv)
	if o[jTime].Exists() {
		if t, ok := jsonTime(o[jTime]); ok {
			c.setTime(t, conv)
		} else {
			s.note("time: invalid time " + quote(o[jTime].Raw))
		}
	}
	id, _ := traceparentID(o[jTraceparent].Str)
	return strings.Clone(id)
}

// composeEnvelope reads a MassTransit envelope or a generic JSON envelope
// (top level or nested under metadata/meta/headers) and returns the trace
// ID of a traceparent field, if any.
func composeEnvelope(o *jobject, nested, mtHint bool, c *candidates) string {
	if o[jMessageType].IsArray() && (mtHint || o[jMessage].Exists() || o[jConversationID].Exists() || o[jSourceAddress].Exists()) {
		const conv = ConventionMassTransit
		c.setJSON(sEventID, o[jMessageID], conv)
		c.setJSON(sCorrelation, o[jConversationID], conv)
		c.setJSON(sCorrelation, o[jCorrelationID], conv)
		// initiatorId is the consumed message's correlationId or
		// requestId (MassTransit SendContextExtensions), not its cause.
		c.set(sType, strings.Clone(mtType(o[jMessageType].Get("0").Str)), conv)
		c.setJSON(sSource, o[jSourceAddress], conv)
		setJSONTime(c, o[jSentTime], conv)
		return ""
	}
	c.setJSON(sCorrelation, o[jESCorrelationID], ConventionEventStoreDB)
	c.setJSON(sCausation, o[jESCausationID], ConventionEventStoreDB)
	const conv = ConventionJSONEnvelope
	// A bare "id" or "version" is too common in business payloads to be
	// trusted unless the object otherwise looks like an envelope.
	envelope := nested
	for _, k := range [...]jkey{jEventID, jMessageID, jEventType, jCorrelationID, jConversationID, jCausationID, jESCorrelationID, jESCausationID, jProducer} {
		envelope = envelope || o[k].Exists()
	}
	c.setJSON(sEventID, o[jEventID], conv)
	c.setJSON(sEventID, o[jMessageID], conv)
	if envelope {
		c.setJSON(sEventID, o[jID], conv)
		c.setJSON(sVersion, o[jVersion], conv)
	}
	for _, k := range [...]jkey{jEventType, jType, jMessageType, jEventName} {
		c.setJSON(sType, o[k], conv)
	}
	c.setJSON(sVersion, o[jEventVersion], conv)
	c.setJSON(sVersion, o[jSchemaVersion], conv)
	for _, k := range [...]jkey{jCorrelationID, jConversationID} {
		c.setJSON(sCorrelation, o[k], conv)
	}
	c.setJSON(sCausation, o[jCausationID], conv)
	for _, k := range [...]jkey{jProducer, jSource, jService, jSourceAddress} {
		c.setJSON(sSource, o[k], conv)
	}
	for _, k := range [...]jkey{jTime, jTimestamp, jEventTime, jOccurredAt, jSentTime} {
		setJSONTime(c, o[k], conv)
	}
	id, _ := traceparentID(o[jTraceparent].Str)
	return strings.Clone(id)
}

func setJSONTime(c *candidates, r gjson.Result, conv string) {
	if !c.t.IsZero() || !r.Exists() {
		return
	}
	if t, ok := jsonTime(r); ok {
		c.setTime(t, conv)
	}
}

// jsonTime reads an RFC 3339 string or an epoch number (string or number).
func jsonTime(r gjson.Result) (time.Time, bool) {
	switch r.Type {
	case gjson.String:
		return parseTime(r.Str)
	case gjson.Number:
		if t, ok := parseTime(r.Raw); ok {
			return t, true
		}
		if r.Num > 0 && r.Num < 9e18 {
			return epochTime(int64(r.Num))
		}
	}
	return time.Time{}, false
}

// setJSON offers a string or number value for s, copying it only when s is
// still empty.
func (c *candidates) setJSON(s slot, r gjson.Result, conv string) {
	if c.f[s].val == "" {
		c.set(s, str(r), conv)
	}
}

// str returns a string or number value as a string the Event may keep.
func str(r gjson.Result) string {
	switch r.Type {
	case gjson.String:
		if strings.IndexByte(r.Raw, '\\') >= 0 {
			return r.Str // unescaped into a fresh string already
		}
		return strings.Clone(r.Str)
	case gjson.Number:
		return strings.Clone(r.Raw)
	}
	return ""
}
