// Package store defines how eventscope keeps events: the Store interface
// that every backend implements (sqlite/ embedded, clickhouse/ production),
// the query types the UI and API search with, and the contracts both sides
// rely on. The conformance suite in store/storetest checks every backend
// against these contracts.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/eventscope/eventscope/event"
)

// ErrNotFound is returned (wrapped or bare) when an ID names nothing stored.
var ErrNotFound = errors.New("not found")

// Writer stores events. Write returns nil only once every event in the batch
// is durable. Writing the same record (topic, partition, offset) again is a
// no-op: readers never see it twice. Two different records with the same
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
	// when none matches.
	Resolve(ctx context.Context, token string) (Resolution, error)
	// Flows lists flow summaries matching q, newest last event first.
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

// FlowSummary is one flow in a list.
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

// Stats are store-wide totals.
type Stats struct {
	Events int64        `json:"events"`
	Flows  int64        `json:"flows"`
	Topics []TopicCount `json:"topics"`
}
