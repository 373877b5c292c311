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
	"time"

	"github.com/eventscope/eventscope/diagnose"
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
// sorted. Anomalies (the sorted distinct kinds the flow shows), Status and
// Reason are what the diagnose engine's Summary of the flow's records says
// at the time of reading (see Summarize, the reference definition). A store
// returns the three lists non-nil (empty when none) and times in UTC.
type FlowSummary struct {
	CorrelationID string    `json:"correlation_id"`
	FirstTime     time.Time `json:"first_time"`
	LastTime      time.Time `json:"last_time"`
	EventCount    int       `json:"event_count"`
	Services      []string  `json:"services"`
	Types         []string  `json:"types"`
	Anomalies     []string  `json:"anomalies"`
	Status        string    `json:"status"`
	Reason        string    `json:"reason,omitempty"`
	// FailedType is the type of the failure that decided a failed or
	// compensated flow (for grouping failures on the dashboard).
	FailedType string `json:"failed_type,omitempty"`
	// PayloadTruncated: the flow has a payload cut at the size limit, and
	// a search of payload text or fields found it by what was stored (set
	// by MarkTruncated, only on the results of such searches).
	PayloadTruncated bool `json:"payload_truncated,omitempty"`
}

// FlowPage is one page of flow summaries. NextCursor is empty on the last
// page; passing it back as FlowQuery.Cursor returns the next page.
//
// ScanCut: the search stopped at its time budget before it had looked at
// every flow (a store that scans payloads bounds that work, like an
// Elasticsearch search with a timeout): Flows are the matches found so
// far, newest first, and NextCursor, when set, goes on from where the
// scan stopped; when empty, the scan made no progress in its budget and
// the search should be narrowed (a type:, a shorter window).
type FlowPage struct {
	Flows      []FlowSummary `json:"flows"`
	NextCursor string        `json:"next_cursor"`
	ScanCut    bool          `json:"scan_cut,omitempty"`
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
	FieldStatus  Field = "status"  // the flow's status
	FieldText    Field = "text"    // substring of the payload
	FieldPayload Field = "payload" // a field of a JSON payload (Name: its path)
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
// payload bytes ignoring case (TextMatches: the one exception to
// case-sensitive matching) and ignores Prefix. FieldAnomaly matches a kind of
// FlowSummary.Anomalies (Prefix: a kind starting with Value); an unknown
// kind matches no flow. FieldStatus matches FlowSummary.Status exactly.
// FieldPayload: Name is a dotted path of keys in a JSON payload and Op how
// its value is compared (PayloadMatches defines it for every backend).
type Term struct {
	Field  Field
	Name   string
	Value  string
	Prefix bool
	Negate bool
	Op     Op
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

// Anomaly kinds a FlowSummary reports (the diagnose engine's; see
// diagnose.Kinds for what each means).
const (
	AnomalyDeadLetter = diagnose.DeadLetter
	AnomalyDuplicate  = diagnose.Duplicate
	AnomalyOrphan     = diagnose.Orphan
	AnomalyOutOfOrder = diagnose.OutOfOrder
)

// AnomalyKinds lists every anomaly kind, sorted; Statuses every status.
var (
	AnomalyKinds = diagnose.KindNames()
	Statuses     = diagnose.StatusNames()
)

// Summarize is the reference definition of a flow's summary: the diagnose
// engine's Summary of its records (in any order; internal records left
// out) under cfg. A store keeps it per flow (recomputed when records
// arrive) and reads Anomalies and Status from it at the time of reading
// (Summary.KindList, Summary.Status).
func Summarize(cfg *diagnose.Config, events []event.Event) diagnose.Summary {
	steps := make([]diagnose.Step, 0, len(events))
	cls := cfg.Classifier()
	for i := range events {
		if e := &events[i]; !e.Internal {
			steps = append(steps, diagnose.StepOf(e, cls.Classify(e)))
		}
	}
	return cfg.Summarize(steps)
}

// SetDiagnosis fills the summary's Anomalies, Status, Reason and
// FailedType from the flow's diagnose Summary at time now.
func (s *FlowSummary) SetDiagnosis(sum diagnose.Summary, now time.Time) {
	s.Anomalies, s.Status = sum.KindList(now), sum.Status(now)
	s.Reason, s.FailedType = "", ""
	if s.Status == diagnose.StatusFailed || s.Status == diagnose.StatusCompensated {
		s.Reason, s.FailedType = sum.Reason, sum.FailedType
	}
}

// FlowAnomalies is Summarize's kinds with the default configuration at
// time now; it never returns nil.
func FlowAnomalies(events []event.Event, now time.Time) []string {
	cfg := diagnose.Default()
	return Summarize(&cfg, events).KindList(now)
}

// Diagnosing is a store that classifies records at write time with a
// diagnose configuration (dead-letter topics, failure patterns, rules,
// baseline). SetDiagnosis is called once, before the first Write; stores
// start with diagnose.Default().
type Diagnosing interface {
	SetDiagnosis(cfg diagnose.Config)
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
