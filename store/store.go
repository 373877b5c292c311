// Package store defines how eventscope keeps events: the Store interface
// that every backend implements (sqlite/ embedded, clickhouse/ production),
// the query types the UI and API search with, and the contracts both sides
// rely on. The conformance suite in store/storetest checks every backend
// against these contracts.
package store

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/eventscope/eventscope/event"
)

// ErrNotFound is returned (wrapped or bare) when an ID names nothing stored.
var ErrNotFound = errors.New("not found")

// Writer stores events. Write returns nil only once every event in the batch
// is durable. Writing the same record again is a no-op: readers never see it
// twice. A record is identified by (topic, partition, offset, Kafka
// timestamp): the timestamp tells a redelivery (same timestamp) from a new
// record at a reused offset (a topic created again, a new demo broker). Two different records with the same
// event ID are both kept (a duplicate publication).
type Writer interface {
	Write(ctx context.Context, events []event.Event) error
}

// Reader answers the UI's and API's questions.
type Reader interface {
	// Flow returns every event whose FlowID is flowID, ordered by event
	// time, then topic, partition and offset. ErrNotFound when none.
	Flow(ctx context.Context, flowID string) ([]event.Event, error)
	// EventsByID returns every record whose event ID is id (more than one
	// for a duplicate publication), in the order of Flow. ErrNotFound when
	// none.
	EventsByID(ctx context.Context, id string) ([]event.Event, error)
	// Resolve finds the flow a bare token names: a flow ID (correlation
	// ID), an event ID or a Kafka key, tried in that order. ErrNotFound
	// when none matches. An event ID on several records resolves to the
	// flow of the first in Flow order; a key on events of several flows
	// resolves to the flow of the newest such event (latest time, then
	// highest coordinates).
	Resolve(ctx context.Context, token string) (Resolution, error)
	// Flows lists flow summaries matching q, newest last event first (ties:
	// higher correlation ID first). Pagination is keyset on (LastTime,
	// CorrelationID): pages never repeat or skip a flow whose LastTime does
	// not change meanwhile; a flow that gets newer events moves to the top.
	Flows(ctx context.Context, q FlowQuery) (FlowPage, error)
	// Stats returns totals for the dashboard.
	Stats(ctx context.Context) (Stats, error)
}

// Store is a backend: it writes and reads, and is closed once at shutdown.
type Store interface {
	Writer
	Reader
	// Ping reports whether the backend can serve (for /readyz).
	Ping(ctx context.Context) error
	Close() error
}

// Match kinds of a Resolution.
const (
	MatchFlow  = "correlation_id"
	MatchEvent = "event_id"
	MatchKey   = "key"
)

// Resolution is what a bare token named.
type Resolution struct {
	FlowID  string // the flow to show
	Match   string // MatchFlow, MatchEvent or MatchKey
	EventID string // the event matched, for MatchEvent
}

// FlowSummary is one flow in a list. FirstTime and LastTime are the
// earliest and latest event time of the whole flow; EventCount counts its
// records; Services and Types are the distinct non-empty sources and types,
// sorted. Anomalies are the sorted distinct kinds among AnomalyDeadLetter,
// AnomalyDuplicate, AnomalyOrphan and AnomalyOutOfOrder that the flow's
// records show (see FlowAnomalies, the reference definition). A store
// returns the three lists non-nil (empty when none) and times in UTC.
type FlowSummary struct {
	CorrelationID string    `json:"correlation_id"`
	FirstTime     time.Time `json:"first_time"`
	LastTime      time.Time `json:"last_time"`
	EventCount    int       `json:"event_count"`
	Services      []string  `json:"services"`
	Types         []string  `json:"types"`
	Anomalies     []string  `json:"anomalies"`
}

// FlowPage is one page of flow summaries. NextCursor is empty on the last
// page; passing it back as FlowQuery.Cursor returns the next page.
type FlowPage struct {
	Flows      []FlowSummary `json:"flows"`
	NextCursor string        `json:"next_cursor"`
}

// DefaultLimit and MaxLimit bound FlowQuery.Limit.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// FlowQuery selects flows: a flow matches when it has events in [From, To)
// (zero: unbounded) and, for every term, at least one event matching the
// term (or, for a negated term, no event matching it).
type FlowQuery struct {
	Terms  []Term
	From   time.Time
	To     time.Time
	Limit  int    // 0: DefaultLimit; capped at MaxLimit
	Cursor string // opaque, from FlowPage.NextCursor
}

// Field is what a Term filters on.
type Field string

// Fields of the search language.
const (
	FieldID      Field = "id"      // a bare token: correlation ID, event ID or key, exact
	FieldType    Field = "type"    // event type
	FieldSource  Field = "source"  // producing service
	FieldTopic   Field = "topic"   // Kafka topic
	FieldKey     Field = "key"     // Kafka key
	FieldHeader  Field = "header"  // header Name=Value
	FieldAnomaly Field = "anomaly" // anomaly kind in the flow
	FieldText    Field = "text"    // substring of the payload
)

// Term is one filter of a FlowQuery. Value is matched exactly unless Prefix
// is set (the query said "value*"); FieldText matches a substring. For
// FieldHeader, Name is the header name and Value its value.
//
// Details every backend keeps: all matching is byte-wise and
// case-sensitive, and no character is special (quotes, backslashes, "%",
// "_", "*", NUL bytes are literal). FieldID matches the flow's correlation
// ID (flow ID), or any of its events' event ID or key. FieldHeader needs one
// header whose name equals Name exactly and whose value equals Value (or
// starts with it for Prefix). FieldText matches a substring of the stored
// payload bytes and ignores Prefix. FieldAnomaly matches a kind of
// FlowSummary.Anomalies (Prefix: a kind starting with Value); an unknown
// kind matches no flow.
type Term struct {
	Field  Field
	Name   string
	Value  string
	Prefix bool
	Negate bool
}

// TopicCount is the number of events stored for one topic.
type TopicCount struct {
	Topic  string `json:"topic"`
	Events int64  `json:"events"`
}

// Stats are store-wide totals. Topics is sorted by topic name. Records of
// internal topics (event.Event.Internal) are counted apart: not in Events
// nor Topics, but per topic in Internal (sorted, nil when none).
type Stats struct {
	Events   int64        `json:"events"`
	Flows    int64        `json:"flows"`
	Topics   []TopicCount `json:"topics"`
	Internal []TopicCount `json:"internal_topics,omitempty"`
}

// Anomaly kinds a FlowSummary reports: the cheap, flow-level subset of the
// kinds graph computes (same names).
const (
	// AnomalyDeadLetter: an event on a topic for which
	// event.IsDeadLetterTopic is true.
	AnomalyDeadLetter = "dead_letter"
	// AnomalyDuplicate: one event ID on several records of one topic of
	// the flow (the same ID on other topics is one event published to
	// several topics, or a derived copy: see graph).
	AnomalyDuplicate = "duplicate"
	// AnomalyOrphan: a non-empty causation ID naming no event ID of the flow.
	AnomalyOrphan = "orphan"
	// AnomalyOutOfOrder: an event whose time is before its cause's time
	// (with a duplicated cause, before the earliest record of the cause).
	AnomalyOutOfOrder = "out_of_order"
)

// AnomalyKinds lists the kinds of FlowSummary.Anomalies, sorted.
var AnomalyKinds = []string{AnomalyDeadLetter, AnomalyDuplicate, AnomalyOrphan, AnomalyOutOfOrder}

// FlowAnomalies is the reference definition of FlowSummary.Anomalies: the
// sorted kinds the records of one flow show, in any order. Records of
// internal topics (event.Event.Internal) are no part of it. It never
// returns nil.
func FlowAnomalies(events []event.Event) []string {
	causeTime := map[string]time.Time{} // event ID -> earliest record time
	records := map[[2]string]int{}      // (event ID, topic) -> records
	found := map[string]bool{}
	for i := range events {
		e := &events[i]
		if e.Internal {
			continue
		}
		id := [2]string{e.EventID, e.Topic}
		records[id]++
		if t, ok := causeTime[e.EventID]; !ok || e.Time.Before(t) {
			causeTime[e.EventID] = e.Time
		}
		if records[id] > 1 {
			found[AnomalyDuplicate] = true
		}
		if event.IsDeadLetterTopic(e.Topic) {
			found[AnomalyDeadLetter] = true
		}
	}
	for i := range events {
		e := &events[i]
		if e.CausationID == "" || e.Internal {
			continue
		}
		t, ok := causeTime[e.CausationID]
		switch {
		case !ok:
			found[AnomalyOrphan] = true
		case e.Time.Before(t):
			found[AnomalyOutOfOrder] = true
		}
	}
	kinds := []string{}
	for k := range found {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// Cursor is the position after the last flow of a page: the keyset of the
// Flows order. Backends may use EncodeCursor and DecodeCursor for
// FlowPage.NextCursor and FlowQuery.Cursor.
type Cursor struct {
	LastTime time.Time
	FlowID   string
}

// ErrBadCursor is returned (wrapped) for a FlowQuery.Cursor that no
// FlowPage gave.
var ErrBadCursor = errors.New("bad cursor")

// EncodeCursor returns c as an opaque URL-safe string.
func EncodeCursor(c Cursor) string {
	ns := int64(math.MinInt64) // the zero time
	if !c.LastTime.IsZero() {
		ns = c.LastTime.UnixNano()
	}
	b := binary.BigEndian.AppendUint64(nil, uint64(ns))
	return base64.RawURLEncoding.EncodeToString(append(b, c.FlowID...))
}

// DecodeCursor parses what EncodeCursor returned.
func DecodeCursor(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 8 {
		return Cursor{}, fmt.Errorf("%w %q", ErrBadCursor, s)
	}
	c := Cursor{FlowID: string(b[8:])}
	if ns := int64(binary.BigEndian.Uint64(b[:8])); ns != math.MinInt64 {
		c.LastTime = time.Unix(0, ns).UTC()
	}
	return c, nil
}
