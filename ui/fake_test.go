package ui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// fakeStore is an in-memory store.Reader for handler tests. It keeps the
// Reader contracts that the UI relies on (order, ErrNotFound, Resolve
// precedence, newest-first flows, pagination) in the simplest way.
type fakeStore struct {
	events []event.Event
	err    error // when set, every method returns it
	panic  bool  // when set, every method panics
}

var _ store.Reader = (*fakeStore)(nil)

func newFakeStore(events ...event.Event) *fakeStore {
	s := &fakeStore{events: append([]event.Event(nil), events...)}
	sort.SliceStable(s.events, func(i, j int) bool { return less(&s.events[i], &s.events[j]) })
	return s
}

func less(a, b *event.Event) bool {
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
}

func (s *fakeStore) fail() error {
	if s.panic {
		panic("fake store exploded")
	}
	return s.err
}

func (s *fakeStore) Flow(_ context.Context, id string) ([]event.Event, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	var out []event.Event
	for _, e := range s.events {
		if e.FlowID() == id {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, store.ErrNotFound
	}
	return out, nil
}

func (s *fakeStore) EventsByID(_ context.Context, id string) ([]event.Event, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	var out []event.Event
	for _, e := range s.events {
		if e.EventID == id {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, store.ErrNotFound
	}
	return out, nil
}

func (s *fakeStore) Resolve(_ context.Context, token string) (store.Resolution, error) {
	if err := s.fail(); err != nil {
		return store.Resolution{}, err
	}
	for _, e := range s.events {
		if e.FlowID() == token {
			return store.Resolution{FlowID: token, Match: store.MatchFlow}, nil
		}
	}
	for _, e := range s.events {
		if e.EventID == token {
			return store.Resolution{FlowID: e.FlowID(), Match: store.MatchEvent, EventID: e.EventID}, nil
		}
	}
	for i := len(s.events) - 1; i >= 0; i-- { // newest first
		if e := s.events[i]; e.Key == token {
			return store.Resolution{FlowID: e.FlowID(), Match: store.MatchKey}, nil
		}
	}
	return store.Resolution{}, store.ErrNotFound
}

func (s *fakeStore) summaries() []store.FlowSummary {
	byFlow := map[string][]event.Event{}
	var ids []string
	for _, e := range s.events {
		id := e.FlowID()
		if _, ok := byFlow[id]; !ok {
			ids = append(ids, id)
		}
		byFlow[id] = append(byFlow[id], e)
	}
	var out []store.FlowSummary
	for _, id := range ids {
		evs := byFlow[id]
		sum := store.FlowSummary{CorrelationID: id, FirstTime: evs[0].Time.UTC(), LastTime: evs[len(evs)-1].Time.UTC(),
			EventCount: len(evs)}
		cfg := diagnose.Default()
		sum.SetDiagnosis(store.Summarize(&cfg, evs), time.Now())
		for _, e := range evs {
			sum.Services = addSorted(sum.Services, e.Source)
			sum.Types = addSorted(sum.Types, e.Type)
		}
		out = append(out, sum)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].LastTime.Equal(out[j].LastTime) {
			return out[i].LastTime.After(out[j].LastTime)
		}
		return out[i].CorrelationID > out[j].CorrelationID
	})
	return out
}

func (s *fakeStore) matches(flowID string, t store.Term) bool {
	eq := func(v string) bool {
		if t.Prefix {
			return strings.HasPrefix(v, t.Value)
		}
		return v == t.Value
	}
	if t.Field == store.FieldID && eq(flowID) {
		return true
	}
	for _, e := range s.events {
		if e.FlowID() != flowID {
			continue
		}
		switch t.Field {
		case store.FieldID:
			if eq(e.EventID) || eq(e.Key) {
				return true
			}
		case store.FieldKey:
			if eq(e.Key) {
				return true
			}
		case store.FieldType:
			if eq(e.Type) {
				return true
			}
		}
	}
	return false
}

// Flows pages with an offset cursor "o:N".
func (s *fakeStore) Flows(_ context.Context, q store.FlowQuery) (store.FlowPage, error) {
	if err := s.fail(); err != nil {
		return store.FlowPage{}, err
	}
	var all []store.FlowSummary
	for _, f := range s.summaries() {
		ok := (q.From.IsZero() || !f.LastTime.Before(q.From)) && (q.To.IsZero() || f.FirstTime.Before(q.To))
		for _, t := range q.Terms {
			ok = ok && s.matches(f.CorrelationID, t) != t.Negate
		}
		if ok {
			all = append(all, f)
		}
	}
	start := 0
	if q.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(q.Cursor, "o:"))
		if err != nil || !strings.HasPrefix(q.Cursor, "o:") {
			return store.FlowPage{}, fmt.Errorf("%w %q", store.ErrBadCursor, q.Cursor)
		}
		start = min(n, len(all))
	}
	limit := q.Limit
	if limit == 0 {
		limit = store.DefaultLimit
	}
	page := store.FlowPage{Flows: []store.FlowSummary{}}
	end := min(start+limit, len(all))
	page.Flows = append(page.Flows, all[start:end]...)
	if end < len(all) {
		page.NextCursor = "o:" + strconv.Itoa(end)
	}
	return page, nil
}

func (s *fakeStore) Stats(context.Context) (store.Stats, error) {
	if err := s.fail(); err != nil {
		return store.Stats{}, err
	}
	st := store.Stats{Events: int64(len(s.events)), Flows: int64(len(s.summaries()))}
	counts := map[string]int64{}
	for _, e := range s.events {
		counts[e.Topic]++
	}
	for t, n := range counts {
		st.Topics = append(st.Topics, store.TopicCount{Topic: t, Events: n})
	}
	sort.Slice(st.Topics, func(i, j int) bool { return st.Topics[i].Topic < st.Topics[j].Topic })
	return st, nil
}

// Fixtures.

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func ev(id, corr, cause, typ, src, topic string, part int32, off int64, ms int) event.Event {
	return event.Event{
		EventID: id, CorrelationID: corr, CausationID: cause, Type: typ, Source: src,
		Time: t0.Add(time.Duration(ms) * time.Millisecond), Topic: topic, Partition: part, Offset: off,
		KafkaTime: t0.Add(time.Duration(ms) * time.Millisecond), IngestedAt: t0.Add(time.Second),
		Key: corr, Convention: "json-envelope", ContentType: "application/json",
	}
}

// pizzaFlow is flow "ord-1": an order whose payment failed and was
// compensated, with a duplicate PizzaPrepared and an orphan.
func pizzaFlow() []event.Event {
	placed := ev("e1", "ord-1", "", "OrderPlaced", "order-service", "orders", 0, 1, 0)
	placed.Payload = []byte(`{"orderId":"ord-1","items":["margherita"]}`)
	placed.PayloadSize = len(placed.Payload)
	placed.Headers = []event.Header{{Key: "correlation-id", Value: "ord-1"}, {Key: "event-id", Value: "e1"}}
	prepared := ev("e2", "ord-1", "e1", "PizzaPrepared", "kitchen", "kitchen", 1, 5, 120)
	failed := ev("e3", "ord-1", "e1", "PaymentFailed", "payment", "payments", 2, 7, 80)
	cancelled := ev("e4", "ord-1", "e3", "OrderCancelled", "order-service", "orders", 0, 9, 200)
	dup := ev("e2", "ord-1", "e1", "PizzaPrepared", "kitchen", "kitchen", 1, 6, 130)
	orphan := ev("e6", "ord-1", "ghost", "PointsAwarded", "loyalty", "loyalty", 0, 2, 300)
	return []event.Event{placed, prepared, failed, cancelled, dup, orphan}
}

// keyFlow is flow "key:cust/42": a record without correlation ID whose
// event ID is derived from its coordinates, on a dead-letter topic, with a
// binary payload.
func keyFlow() event.Event {
	e := ev("payments.DLT/0/3", "", "", "", "", "payments.DLT", 0, 3, 500)
	e.Key, e.IDSource, e.Convention, e.ContentType = "cust/42", event.IDSourceDerived, "", ""
	e.Payload = []byte{0x00, 0x01, 0xfe, 0xff, 'h', 'i'}
	e.PayloadSize = len(e.Payload)
	e.DecodeError = "value is not JSON"
	return e
}

// oddFlow has a correlation ID with reserved characters.
func oddFlow() []event.Event {
	a := ev("odd 1", "tenant/a b%2F?#x", "", "Odd", "svc", "odd", 0, 1, 600)
	b := ev("odd/2", "tenant/a b%2F?#x", "odd 1", "Odder", "svc", "odd", 0, 2, 650)
	return []event.Event{a, b}
}

// xssFlow carries script tags everywhere a user-controlled string shows.
func xssFlow() []event.Event {
	e := ev("x<script>1", "xss", "", "<script>alert('type')</script>", "<script>src</script>", "xss", 0, 1, 700)
	e.Headers = []event.Header{{Key: "<script>k</script>", Value: "<script>alert('header')</script>"}}
	e.Payload = []byte(`{"note":"<script>alert('payload')</script>"}`)
	e.PayloadSize = len(e.Payload)
	e.DecodeError = "<img src=x onerror=alert(1)>"
	return []event.Event{e}
}

func allFixtures() []event.Event {
	evs := pizzaFlow()
	evs = append(evs, keyFlow())
	evs = append(evs, oddFlow()...)
	evs = append(evs, xssFlow()...)
	return evs
}
