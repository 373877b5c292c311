package store

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/eventscope/eventscope/event"
)

// Insights is an optional interface a Reader may also implement: the
// store-wide views behind the dashboard and the service map. The UI finds
// it with a type assertion and hides what a store without it cannot show.
//
// "Arrival" times below are the record (Kafka) timestamps, Event.KafkaTime:
// when the record reached the cluster, whatever the event claims.
type Insights interface {
	// TopicRates counts the events of each topic whose arrival time is in
	// [from, to), in buckets of step starting at from (the last bucket
	// may be shorter). Topics without events in the window are left out;
	// the result is sorted by topic.
	TopicRates(ctx context.Context, from, to time.Time, step time.Duration) ([]TopicSeries, error)
	// SlowestFlows returns at most limit flows whose last event time is at
	// or after since, the longest span (LastTime - FirstTime) first (ties:
	// newer last event first, then higher correlation ID). Summaries are
	// as from Reader.Flows.
	SlowestFlows(ctx context.Context, since time.Time, limit int) ([]FlowSummary, error)
	// EventTypes reports every variant (type, version, payload field set:
	// see FieldSet) of the events that arrived at or after since, with
	// whether the variant and its type were seen among the events that
	// arrived in [baseline, since). A store may bound what it reads on
	// either side (a sample of the newest events); it says so in its doc.
	// Sorted by type, version, then field set.
	EventTypes(ctx context.Context, baseline, since time.Time) ([]TypeInfo, error)
	// RecentEvents returns at most limit of the events that arrived at or
	// after since, the latest arrivals first, with their payloads.
	RecentEvents(ctx context.Context, since time.Time, limit int) ([]event.Event, error)
}

// TopicSeries is one topic's event counts per time bucket: Counts[i]
// counts the events that arrived in [Start + i·Step, Start + (i+1)·Step).
type TopicSeries struct {
	Topic  string        `json:"topic"`
	Start  time.Time     `json:"start"`
	Step   time.Duration `json:"step"`
	Counts []int64       `json:"counts"`
}

// Buckets is the number of buckets of step in [from, to).
func Buckets(from, to time.Time, step time.Duration) int {
	if step <= 0 || !from.Before(to) {
		return 0
	}
	return int((to.Sub(from) + step - 1) / step)
}

// TypeInfo is one variant of an event type seen in a window: a type with a
// version and a payload field set. Known says the same variant was seen in
// the baseline before the window, TypeKnown that the type was (in any
// variant): a variant with TypeKnown but not Known is schema drift, one
// without TypeKnown a new type.
type TypeInfo struct {
	Type      string    `json:"type"`
	Version   string    `json:"version"`
	Fields    []string  `json:"fields"` // sorted; empty when the payload is not a JSON object
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Events    int64     `json:"events"`
	Known     bool      `json:"known"`
	TypeKnown bool      `json:"type_known"`
}

// FieldSet is the sorted top-level member names of a JSON object payload;
// when the object is an envelope (it has "specversion", "metadata" or
// "meta" beside an object "data"), the names in "data". Nil when the
// payload is not a JSON object. It is the cheap schema fingerprint that
// EventTypes compares.
func FieldSet(payload []byte) []string {
	p := bytes.TrimSpace(payload)
	if len(p) == 0 || p[0] != '{' {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(p, &m) != nil {
		return nil
	}
	if d := bytes.TrimSpace(m["data"]); len(d) > 0 && d[0] == '{' {
		_, ce := m["specversion"]
		_, md := m["metadata"]
		_, mt := m["meta"]
		if ce || md || mt {
			var dm map[string]json.RawMessage
			if json.Unmarshal(d, &dm) == nil {
				m = dm
			}
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TypeTally builds EventTypes' answer from events read in any order: a
// backend feeds it the baseline's and the window's events.
type TypeTally struct {
	since     time.Time
	window    map[string]*TypeInfo
	known     map[string]bool
	knownType map[string]bool
}

// NewTypeTally starts a tally of the window that begins at since.
func NewTypeTally(since time.Time) *TypeTally {
	return &TypeTally{since: since, window: map[string]*TypeInfo{}, known: map[string]bool{}, knownType: map[string]bool{}}
}

// Add counts one event that arrived at at: in the window when at is at or
// after since, else in the baseline.
func (t *TypeTally) Add(typ, version string, payload []byte, at time.Time) {
	fields := FieldSet(payload)
	k := typ + "\x00" + version + "\x00" + strings.Join(fields, "\x00")
	if at.Before(t.since) {
		t.known[k] = true
		t.knownType[typ] = true
		return
	}
	ti := t.window[k]
	if ti == nil {
		if fields == nil {
			fields = []string{}
		}
		ti = &TypeInfo{Type: typ, Version: version, Fields: fields, FirstSeen: at.UTC(), LastSeen: at.UTC()}
		t.window[k] = ti
	}
	ti.Events++
	if at.Before(ti.FirstSeen) {
		ti.FirstSeen = at.UTC()
	}
	if at.After(ti.LastSeen) {
		ti.LastSeen = at.UTC()
	}
}

// Result returns the window's variants, sorted by type, version and fields.
func (t *TypeTally) Result() []TypeInfo {
	out := make([]TypeInfo, 0, len(t.window))
	for k, ti := range t.window {
		ti.Known, ti.TypeKnown = t.known[k], t.knownType[ti.Type]
		out = append(out, *ti)
	}
	slices.SortFunc(out, func(a, b TypeInfo) int {
		if c := strings.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		if c := strings.Compare(a.Version, b.Version); c != 0 {
			return c
		}
		return slices.Compare(a.Fields, b.Fields)
	})
	return out
}

// MatchesEvent reports whether one event matches q on its own: its time is
// in q's window and it matches every term (a negated term: does not match
// it), with the per-event rules of Term (FieldID: the event's flow ID,
// event ID or key). Anomaly terms describe whole flows, which one event
// cannot show: MatchesEvent ignores them. For the terms it evaluates it
// agrees with Reader.Flows on a flow made of this one event.
func MatchesEvent(q FlowQuery, e *event.Event) bool {
	if !q.From.IsZero() && e.Time.Before(q.From) || !q.To.IsZero() && !e.Time.Before(q.To) {
		return false
	}
	for _, t := range q.Terms {
		if t.Field == FieldAnomaly {
			continue
		}
		if termMatches(t, e) == t.Negate {
			return false
		}
	}
	return true
}

func termMatches(t Term, e *event.Event) bool {
	m := func(v string) bool {
		if t.Prefix {
			return strings.HasPrefix(v, t.Value)
		}
		return v == t.Value
	}
	switch t.Field {
	case FieldID:
		return m(e.FlowID()) || m(e.EventID) || m(e.Key)
	case FieldType:
		return m(e.Type)
	case FieldSource:
		return m(e.Source)
	case FieldTopic:
		return m(e.Topic)
	case FieldKey:
		return m(e.Key)
	case FieldHeader:
		return slices.ContainsFunc(e.Headers, func(h event.Header) bool { return h.Key == t.Name && m(h.Value) })
	case FieldText:
		return TextMatches(e.Payload, t.Value)
	case FieldPayload:
		return PayloadMatches(t, e.Payload)
	}
	return false
}

// Rows is the part of a query result that both backends' drivers offer.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// AddRows adds rows of (type, version, payload, time) to the tally, the
// time column read as an int64 that timeOf turns into a time. It closes rows.
func (t *TypeTally) AddRows(rows Rows, timeOf func(int64) time.Time) error {
	defer rows.Close()
	for rows.Next() {
		var typ, version string
		var payload []byte
		var n int64
		if err := rows.Scan(&typ, &version, &payload, &n); err != nil {
			return err
		}
		t.Add(typ, version, payload, timeOf(n))
	}
	return rows.Err()
}

// ScanTopicRates builds TopicRates' answer from rows of (topic, bucket,
// count) ordered by topic, bucket i counting [from + i·step, from +
// (i+1)·step) of n; rows outside the n buckets are left out. Both
// backends select these columns. It closes rows.
func ScanTopicRates(rows Rows, from time.Time, step time.Duration, n int) ([]TopicSeries, error) {
	defer rows.Close()
	out := []TopicSeries{}
	for rows.Next() {
		var topic string
		var b int64
		var c uint64
		if err := rows.Scan(&topic, &b, &c); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Topic != topic {
			out = append(out, TopicSeries{Topic: topic, Start: from.UTC(), Step: step, Counts: make([]int64, n)})
		}
		if b >= 0 && b < int64(n) {
			out[len(out)-1].Counts[b] += int64(c)
		}
	}
	return out, rows.Err()
}
