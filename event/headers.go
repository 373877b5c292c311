package event

import (
	"strings"
	"time"
)

// header levels, in decode precedence (DESIGN.md "ID conventions").
const (
	lvCE        = iota // CloudEvents binary mode: ce_* headers
	lvFramework        // Axon, NServiceBus, MassTransit, EventStoreDB names
	lvPlain            // plain header names
	numLevels
)

// hkind says how a header value is read.
type hkind uint8

const (
	hkField         hkind = iota // the value is the field
	hkTime                       // RFC 3339 or epoch number
	hkAxonTime                   // 8-byte big-endian epoch millis, or text
	hkNSBType                    // NServiceBus.EnclosedMessageTypes
	hkMTType                     // MassTransit MT-MessageType URNs
	hkMTID                       // MessageId/CorrelationId: MassTransit's when MT-* headers exist
	hkContentType                // content-type
	hkTraceparent                // W3C traceparent
	hkCETraceparent              // CloudEvents distributed-tracing extension
	hkB3                         // Zipkin b3 single header
	hkXB3                        // Zipkin X-B3-TraceId
)

type hentry struct {
	level int
	kind  hkind
	slot  slot
	conv  string
}

// headerTable maps a normalised header name (lowercase, without - _ .) to
// what it means. Sources: CloudEvents Kafka protocol binding (ce_ prefix)
// and correlation and distributed-tracing extensions; Axon Kafka extension
// HeaderUtils/Headers and MessageOriginProvider (traceId = root message,
// correlationId = direct cause); NServiceBus message headers docs;
// MassTransit raw JSON transport headers and its Kafka rider's headers
// (DictionaryHeadersSerialize: MessageId, CorrelationId, ConversationId,
// InitiatorId, SourceAddress without MT- prefix; InitiatorId is the consumed
// message's CorrelationId or RequestId (SendContextExtensions.
// TransferConsumeContextHeaders), never a causation ID, so it is not read);
// EventStoreDB reserved metadata.
var headerTable = map[string]hentry{
	"ceid":                            {lvCE, hkField, sEventID, ConventionCloudEventsBinary},
	"cetype":                          {lvCE, hkField, sType, ConventionCloudEventsBinary},
	"cesource":                        {lvCE, hkField, sSource, ConventionCloudEventsBinary},
	"cetime":                          {lvCE, hkTime, 0, ConventionCloudEventsBinary},
	"cecorrelationid":                 {lvCE, hkField, sCorrelation, ConventionCloudEventsBinary},
	"cecausationid":                   {lvCE, hkField, sCausation, ConventionCloudEventsBinary},
	"cetraceparent":                   {lvCE, hkCETraceparent, 0, ConventionTraceparent},
	"axonmessageid":                   {lvFramework, hkField, sEventID, ConventionAxon},
	"axonmessagetype":                 {lvFramework, hkField, sType, ConventionAxon},
	"axonmessagerevision":             {lvFramework, hkField, sVersion, ConventionAxon},
	"axonmessagetimestamp":            {lvFramework, hkAxonTime, 0, ConventionAxon},
	"axonmetadatatraceid":             {lvFramework, hkField, sCorrelation, ConventionAxon},
	"axonmetadatacorrelationid":       {lvFramework, hkField, sCausation, ConventionAxon},
	"nservicebusmessageid":            {lvFramework, hkField, sEventID, ConventionNServiceBus},
	"nservicebusconversationid":       {lvFramework, hkField, sCorrelation, ConventionNServiceBus},
	"nservicebusrelatedto":            {lvFramework, hkField, sCausation, ConventionNServiceBus},
	"nservicebusenclosedmessagetypes": {lvFramework, hkNSBType, sType, ConventionNServiceBus},
	"nservicebusoriginatingendpoint":  {lvFramework, hkField, sSource, ConventionNServiceBus},
	"nservicebustimesent":             {lvFramework, hkTime, 0, ConventionNServiceBus},
	"conversationid":                  {lvFramework, hkField, sCorrelation, ConventionMassTransit},
	"mtmessagetype":                   {lvFramework, hkMTType, sType, ConventionMassTransit},
	"mtsourceaddress":                 {lvFramework, hkField, sSource, ConventionMassTransit},
	"sourceaddress":                   {lvFramework, hkField, sSource, ConventionMassTransit},
	"$correlationid":                  {lvFramework, hkField, sCorrelation, ConventionEventStoreDB},
	"$causationid":                    {lvFramework, hkField, sCausation, ConventionEventStoreDB},
	"messageid":                       {lvPlain, hkMTID, sEventID, ConventionHeaders},
	"correlationid":                   {lvPlain, hkMTID, sCorrelation, ConventionHeaders},
	"xcorrelationid":                  {lvPlain, hkField, sCorrelation, ConventionHeaders},
	"causationid":                     {lvPlain, hkField, sCausation, ConventionHeaders},
	"xcausationid":                    {lvPlain, hkField, sCausation, ConventionHeaders},
	"eventid":                         {lvPlain, hkField, sEventID, ConventionHeaders},
	"xeventid":                        {lvPlain, hkField, sEventID, ConventionHeaders},
	"xmessageid":                      {lvPlain, hkField, sEventID, ConventionHeaders},
	"id":                              {lvPlain, hkField, sEventID, ConventionHeaders},
	"eventtype":                       {lvPlain, hkField, sType, ConventionHeaders},
	"type":                            {lvPlain, hkField, sType, ConventionHeaders},
	"source":                          {lvPlain, hkField, sSource, ConventionHeaders},
	"producer":                        {lvPlain, hkField, sSource, ConventionHeaders},
	"service":                         {lvPlain, hkField, sSource, ConventionHeaders},
	"eventversion":                    {lvPlain, hkField, sVersion, ConventionHeaders},
	"schemaversion":                   {lvPlain, hkField, sVersion, ConventionHeaders},
	"version":                         {lvPlain, hkField, sVersion, ConventionHeaders},
	"eventtime":                       {lvPlain, hkTime, 0, ConventionHeaders},
	"time":                            {lvPlain, hkTime, 0, ConventionHeaders},
	"timestamp":                       {lvPlain, hkTime, 0, ConventionHeaders},
	"contenttype":                     {lvPlain, hkContentType, 0, ""},
	"traceparent":                     {lvPlain, hkTraceparent, 0, ConventionTraceparent},
	"b3":                              {lvPlain, hkB3, 0, ConventionB3},
	"xb3traceid":                      {lvPlain, hkXB3, 0, ConventionB3},
}

// normKey writes the HeaderName of k into buf. It returns nil when k does
// not fit: no known name is that long.
func normKey(buf *[64]byte, k string) []byte {
	b := appendHeaderName(buf[:0], k)
	if len(b) > len(buf) {
		return nil
	}
	return b
}

// headerScan is what the record headers offer, per level.
type headerScan struct {
	lv          [numLevels]candidates
	contentType string
	ceTrace     string // trace ID from ce_traceparent
	trace       string // trace ID from traceparent
	b3          string // trace ID from b3 or X-B3-TraceId
	springType  string // Spring Kafka's __TypeId__
}

// scanHeaders reads every header once; the first header for a field wins
// within its level.
func scanHeaders(hs []Header, s *decodeState) headerScan {
	var h headerScan
	mt := false
	for i := range hs {
		if len(hs[i].Key) > 3 && strings.EqualFold(hs[i].Key[:3], "mt-") {
			mt = true
			break
		}
	}
	var buf [64]byte
	var mtCorrelation string
	for i := range hs {
		k := normKey(&buf, hs[i].Key)
		if k == nil {
			continue
		}
		ent, ok := headerTable[string(k)]
		if !ok {
			if hs[i].Key == springTypeHeader && h.springType == "" {
				h.springType = strings.TrimSpace(hs[i].Value)
			}
			continue
		}
		v := strings.TrimSpace(hs[i].Value)
		if v == "" {
			continue
		}
		c := &h.lv[ent.level]
		switch ent.kind {
		case hkField:
			c.set(ent.slot, v, ent.conv)
		case hkTime, hkAxonTime:
			readHeaderTime(c, hs[i].Key, hs[i].Value, ent, s)
		case hkNSBType:
			c.set(ent.slot, nsbType(v), ent.conv)
		case hkMTType:
			c.set(ent.slot, mtType(v), ent.conv)
		case hkMTID:
			switch {
			case !mt:
				c.set(ent.slot, v, ent.conv)
			case ent.slot == sEventID:
				h.lv[lvFramework].set(sEventID, v, ConventionMassTransit)
			case mtCorrelation == "":
				mtCorrelation = v // after ConversationId, see below
			}
		case hkContentType:
			if h.contentType == "" {
				h.contentType = v
			}
		case hkTraceparent, hkCETraceparent:
			id, ok := traceparentID(v)
			switch {
			case !ok:
				s.note(hs[i].Key + ": invalid traceparent " + quote(v))
			case ent.kind == hkCETraceparent && h.ceTrace == "":
				h.ceTrace = id
			case ent.kind == hkTraceparent && h.trace == "":
				h.trace = id
			}
		case hkB3, hkXB3:
			var id string
			if ent.kind == hkB3 {
				id, ok = b3TraceID(v)
			} else {
				id, ok = traceID(v)
			}
			if ok && h.b3 == "" {
				h.b3 = id
			}
		}
	}
	// MassTransit's ConversationId is the flow; its CorrelationId (often a
	// saga's) is the fallback.
	h.lv[lvFramework].set(sCorrelation, mtCorrelation, ConventionMassTransit)
	return h
}

func readHeaderTime(c *candidates, key, v string, ent hentry, s *decodeState) {
	var t time.Time
	var ok bool
	if ent.kind == hkAxonTime {
		t, ok = parseAxonTime(v)
	} else {
		t, ok = parseTime(v)
	}
	if !ok {
		s.note(key + ": invalid time " + quote(v))
		return
	}
	c.setTime(t, ent.conv)
}

// nsbType reads the first of NServiceBus' enclosed message types
// ("Ns.Type, Assembly, Version=..., Culture=..., PublicKeyToken=...;Ns.Base")
// as its full type name without the assembly qualification.
func nsbType(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// mtType reads the first MassTransit message type URN
// ("urn:message:Namespace:TypeName", several separated by ';') as the .NET
// full type name "Namespace.TypeName".
func mtType(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(v, "urn:message:"); ok {
		if i := strings.LastIndexByte(rest, ':'); i >= 0 {
			return rest[:i] + "." + rest[i+1:]
		}
		return rest
	}
	return v
}

// springTypeHeader is where Spring Kafka's JSON serializer names the
// value's Java type ("com.example.shop.OrderPlaced"); "__Key_TypeId__"
// names the key's and is not a type of the event.
const springTypeHeader = "__TypeId__"

// springType is the simple name of a Java class name: what follows the
// last '.' and, for a nested class, the last '$'. The full name stays in
// the headers.
func springType(v string) string {
	if i := strings.LastIndexAny(v, ".$"); i >= 0 && i < len(v)-1 {
		return v[i+1:]
	}
	return v
}
