package storetest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventscope/eventscope/event"
)

// Base is the instant the suite's events start at: it has nanoseconds, so
// a backend that rounds times fails the round-trip tests.
var Base = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

// Gen makes events with unique Kafka coordinates: every event it returns is
// a distinct record (its own offset on partition 0 of its topic). It is not
// safe for concurrent use.
type Gen struct {
	// Start is the time "at" durations are measured from.
	Start time.Time
	next  map[string]int64
}

// NewGen returns a Gen whose event times start at start.
func NewGen(start time.Time) *Gen {
	return &Gen{Start: start, next: map[string]int64{}}
}

// Event returns a new record on topic of the flow correlationID (empty: no
// correlation ID), with the given event and causation IDs, at Start+at. The
// other fields get plausible values: type "Test", source "test", a key, one
// header and a small JSON payload.
func (g *Gen) Event(topic, correlationID, eventID, causationID string, at time.Duration) event.Event {
	off := g.next[topic]
	g.next[topic] = off + 1
	return MakeEvent(topic, 0, off, eventID, correlationID, causationID, g.Start.Add(at))
}

// Chain returns n records of the flow correlationID, each caused by the one
// before: event IDs correlationID+"-0".., times Start+at, +step, ..., types
// "Step0".., sources "svc-a", "svc-b", "svc-c" in turn, all on topic.
func (g *Gen) Chain(topic, correlationID string, n int, at, step time.Duration) []event.Event {
	out := make([]event.Event, 0, n)
	cause := ""
	for i := range n {
		id := fmt.Sprintf("%s-%d", correlationID, i)
		e := g.Event(topic, correlationID, id, cause, at+time.Duration(i)*step)
		e.Type = fmt.Sprintf("Step%d", i)
		e.Source = "svc-" + string(rune('a'+i%3))
		out = append(out, e)
		cause = id
	}
	return out
}

// MakeEvent returns an event with the given identity, IDs and time, and
// plausible values for every other field.
func MakeEvent(topic string, partition int32, offset int64, eventID, correlationID, causationID string, t time.Time) event.Event {
	payload := fmt.Appendf(nil, `{"event":%q,"n":%d}`, eventID, offset)
	return event.Event{
		EventID:       eventID,
		CorrelationID: correlationID,
		CausationID:   causationID,
		Type:          "Test",
		Source:        "test",
		Time:          t.UTC(),
		Topic:         topic,
		Partition:     partition,
		Offset:        offset,
		Key:           "k-" + eventID,
		KafkaTime:     t.UTC(),
		IngestedAt:    t.Add(time.Millisecond).UTC(),
		Headers:       []event.Header{{Key: "content-type", Value: "application/json"}},
		Payload:       payload,
		PayloadSize:   len(payload),
		ContentType:   "application/json",
		Convention:    "headers",
	}
}

// Sorted returns a copy of events in the store's Flow order: time, then
// topic, partition and offset.
func Sorted(events []event.Event) []event.Event {
	out := append([]event.Event(nil), events...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.Offset < b.Offset
	})
	return out
}

// EventsDiff returns "" when got equals want field by field (times by
// instant, nil and empty slices alike), else a readable diff.
func EventsDiff(want, got []event.Event) string {
	return cmp.Diff(want, got, cmpopts.EquateEmpty())
}

// CheckEvents fails t unless got equals want (see EventsDiff) and every
// time in got is in UTC.
func CheckEvents(t testing.TB, what string, want, got []event.Event) {
	t.Helper()
	if d := EventsDiff(want, got); d != "" {
		t.Errorf("%s: events differ (-want +got):\n%s", what, d)
	}
	for i := range got {
		e := &got[i]
		for name, tm := range map[string]time.Time{"time": e.Time, "kafka_time": e.KafkaTime, "ingested_at": e.IngestedAt} {
			if !tm.IsZero() && tm.Location() != time.UTC {
				t.Errorf("%s: event %d %s is in %v, want UTC", what, i, name, tm.Location())
			}
		}
	}
}

// IDs returns the event IDs of events, in order.
func IDs(events []event.Event) []string {
	out := make([]string, len(events))
	for i := range events {
		out[i] = events[i].EventID
	}
	return out
}

// Reversed returns a reversed copy of events.
func Reversed(events []event.Event) []event.Event {
	out := make([]event.Event, len(events))
	for i := range events {
		out[len(events)-1-i] = events[i]
	}
	return out
}

// quote shows a test value readably in subtest names.
func quote(s string) string {
	q := fmt.Sprintf("%q", s)
	return strings.NewReplacer("/", "∕", " ", "␠").Replace(q)
}
