package ui

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// View models: display-shaped structs the components render. Components
// never query; handlers build these from store and graph results.

// pageMeta is what the layout needs.
type pageMeta struct {
	Title  string
	Active string // path of the nav item to mark current
	Query  string // search box value
}

// flowRowView is one flow in a list.
type flowRowView struct {
	ID, URL   string
	First     string
	Last      string
	LastISO   string
	LastAgo   string
	Span      string
	Events    int
	Services  []string
	Types     []string
	Anomalies []string
	// Status (a diagnose status) with its class and title; Reason the
	// deciding failure's reason.
	Status, StatusClass, StatusTitle, Reason string
	// Truncated: a payload search found the flow by a payload cut at the
	// size limit (store.FlowSummary.PayloadTruncated).
	Truncated bool
}

func flowRows(now time.Time, flows []store.FlowSummary) []flowRowView {
	rows := make([]flowRowView, 0, len(flows))
	for _, f := range flows {
		rows = append(rows, flowRowView{
			ID: f.CorrelationID, URL: FlowURL(f.CorrelationID),
			First: fmtTime(f.FirstTime), Last: fmtTime(f.LastTime), LastISO: fmtRFC3339(f.LastTime),
			LastAgo: fmtAgo(now, f.LastTime), Span: fmtSpan(f.FirstTime, f.LastTime),
			Events: f.EventCount, Services: f.Services, Types: f.Types, Anomalies: f.Anomalies,
			Status: f.Status, Reason: f.Reason, Truncated: f.PayloadTruncated,
		})
		if s, ok := diagnose.StatusOf(f.Status); ok {
			rows[len(rows)-1].StatusClass, rows[len(rows)-1].StatusTitle = s.Class, s.Title
		}
	}
	return rows
}

// eventLinkView links to an event: URL for a full page, HX (optional) for
// the htmx partial that swaps the detail panel.
type eventLinkView struct {
	ID, Label, URL, HX string
}

// linker makes links to events for one page (flow page or event page).
type linker func(e *event.Event) eventLinkView

func flowLinker(flowID string) linker {
	return func(e *event.Event) eventLinkView {
		return eventLinkView{ID: e.EventID, Label: label(e),
			URL: FlowEventURL(flowID, e.EventID), HX: flowEventPartialURL(flowID, e.EventID)}
	}
}

func eventLinker(e *event.Event) eventLinkView {
	return eventLinkView{ID: e.EventID, Label: label(e), URL: EventURL(e.EventID)}
}

// label names an event for a link: its type, else its ID.
func label(e *event.Event) string {
	if e.Type != "" {
		return e.Type
	}
	return e.EventID
}

// eventDetailView is everything shown about one event.
type eventDetailView struct {
	EventID, IDSource, Type, Version, Source string
	Time, TimeISO, KafkaTime, IngestedAt     string
	FlowID, FlowURL                          string
	CorrelationID, CausationID               string
	Cause                                    *eventLinkView // nil for a root or a missing cause
	CauseMissing                             bool
	Effects                                  []eventLinkView
	MoreEffects                              int // effects not linked (too many)
	Topic, Key, Coordinates                  string
	Partition                                int32
	Offset                                   int64
	ContentType, Convention, DecodeError     string
	Headers                                  []event.Header
	PayloadKind, Payload                     string
	PayloadTree                              *jsonNode // a JSON payload as a foldable tree; nil when not JSON or too big
	PayloadRaw, KeyRaw                       string    // as on the topic, when the payload or key was unwrapped
	CopyOf, CopyOfURL                        string    // a derived copy: the event it copies
	Internal                                 bool
	PayloadSize                              int
	Truncated                                bool
	Duplicates                               []string        // coordinates of the other records with this event ID
	EventURL                                 string          // the event's own page
	SchemaID                                 int32           // Confluent Schema Registry ID; 0 when none
	Schema                                   string          // a decoded payload's schema: format, subject, version
	Diff                                     *diffView       // against the previous event of the same entity; nil when none
	Deliveries                               *deliveriesView // which consumer groups have read it; nil when not asked
}

// detailFor builds the detail of e. cause is nil for a root or a cause
// never seen (causeMissing tells which).
func detailFor(e *event.Event, cause *eventLinkView, effects []eventLinkView, dups []string) eventDetailView {
	kind, text := payloadView(e)
	return eventDetailView{
		EventID: e.EventID, IDSource: e.IDSource, Type: e.Type, Version: e.Version, Source: e.Source,
		Time: fmtTime(e.Time), TimeISO: fmtRFC3339(e.Time),
		KafkaTime: fmtTime(e.KafkaTime), IngestedAt: fmtTime(e.IngestedAt),
		FlowID: e.FlowID(), FlowURL: FlowEventURL(e.FlowID(), e.EventID),
		CorrelationID: e.CorrelationID, CausationID: e.CausationID,
		Cause: cause, CauseMissing: cause == nil && e.CausationID != "",
		Effects: effects,
		Topic:   e.Topic, Key: e.Key, Coordinates: e.Coordinates(), Partition: e.Partition, Offset: e.Offset,
		ContentType: e.ContentType, Convention: e.Convention, DecodeError: e.DecodeError,
		Headers: e.Headers, PayloadKind: kind, Payload: text, PayloadSize: e.PayloadSize, Truncated: e.Truncated,
		Duplicates: dups, EventURL: EventURL(e.EventID), SchemaID: e.SchemaID, Schema: schemaLabel(e.ContentType),
		PayloadRaw: rawView(e.PayloadRaw), KeyRaw: e.KeyRaw, Internal: e.Internal,
		CopyOf: e.CopyOf, CopyOfURL: copyOfURL(e), PayloadTree: payloadTree(kind, e.Payload),
	}
}

// schemaLabel names the schema a payload was decoded with, from its
// content type's parameters: "Avro, subject orders-value, version 2".
func schemaLabel(contentType string) string {
	p := event.SchemaParams(contentType)
	if p == nil {
		return ""
	}
	label := map[string]string{"avro": "Avro", "protobuf": "Protobuf", "json": "JSON Schema"}[p["schema"]]
	if label == "" {
		label = p["schema"]
	}
	if p["subject"] != "" {
		label += ", subject " + p["subject"]
	}
	if p["version"] != "" {
		label += ", version " + p["version"]
	}
	return label
}

// payloadTree is the foldable tree of a JSON payload; nil for other kinds.
func payloadTree(kind string, payload []byte) *jsonNode {
	if kind != payloadJSON {
		return nil
	}
	return jsonTree(payload)
}

// copyOfURL is the page of the event a derived copy copies ("" if none).
func copyOfURL(e *event.Event) string {
	if e.CopyOf == "" {
		return ""
	}
	return EventURL(e.CopyOf)
}

// rawView shows a raw copy (a Kafka Connect envelope) indented when it is
// JSON, as text otherwise.
func rawView(raw []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") == nil {
		return b.String()
	}
	return string(raw)
}

// prettyJSON renders v indented, or "" when v is nil or cannot be encoded.
func prettyJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

// distinct returns the sorted distinct non-empty values.
func distinct(vals []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, v := range vals {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
