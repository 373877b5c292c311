package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// memStore is the simplest store that meets the contracts, built on the
// suite's reference functions: it checks the suite itself.
type memStore struct {
	mu   sync.Mutex
	evs  []event.Event
	seen map[string]bool
}

func (m *memStore) Write(_ context.Context, evs []event.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range evs {
		if c := e.Coordinates() + "@" + e.KafkaTime.UTC().Format(time.RFC3339Nano); !m.seen[c] {
			m.seen[c] = true
			e.Time, e.KafkaTime, e.IngestedAt = utc(e.Time), utc(e.KafkaTime), utc(e.IngestedAt)
			m.evs = append(m.evs, e)
		}
	}
	return nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func (m *memStore) where(f func(e *event.Event) bool) []event.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []event.Event
	for i := range m.evs {
		if f(&m.evs[i]) {
			out = append(out, m.evs[i])
		}
	}
	return Sorted(out)
}

func (m *memStore) Flow(_ context.Context, id string) ([]event.Event, error) {
	out := m.where(func(e *event.Event) bool { return e.FlowID() == id })
	if len(out) == 0 {
		return nil, fmt.Errorf("flow %q: %w", id, store.ErrNotFound)
	}
	return out, nil
}

func (m *memStore) EventsByID(_ context.Context, id string) ([]event.Event, error) {
	out := m.where(func(e *event.Event) bool { return e.EventID == id })
	if len(out) == 0 {
		return nil, fmt.Errorf("event %q: %w", id, store.ErrNotFound)
	}
	return out, nil
}

func (m *memStore) Resolve(ctx context.Context, tok string) (store.Resolution, error) {
	if _, err := m.Flow(ctx, tok); err == nil {
		return store.Resolution{FlowID: tok, Match: store.MatchFlow}, nil
	}
	if evs, err := m.EventsByID(ctx, tok); err == nil {
		return store.Resolution{FlowID: evs[0].FlowID(), Match: store.MatchEvent, EventID: tok}, nil
	}
	if evs := m.where(func(e *event.Event) bool { return e.Key == tok }); len(evs) > 0 {
		return store.Resolution{FlowID: evs[len(evs)-1].FlowID(), Match: store.MatchKey}, nil
	}
	return store.Resolution{}, store.ErrNotFound
}

func (m *memStore) Flows(ctx context.Context, q store.FlowQuery) (store.FlowPage, error) {
	all := m.where(func(e *event.Event) bool { return !e.Internal }) // internal records: in flows, not in listings
	ids := refFlows(all, q)
	var cur store.Cursor
	if q.Cursor != "" {
		c, err := store.DecodeCursor(q.Cursor)
		if err != nil {
			return store.FlowPage{}, err
		}
		cur = c
	}
	limit := q.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	page := store.FlowPage{Flows: []store.FlowSummary{}}
	for _, id := range ids {
		evs := m.where(func(e *event.Event) bool { return e.FlowID() == id && !e.Internal })
		s := summarize(id, evs)
		if q.Cursor != "" && (s.LastTime.After(cur.LastTime) || s.LastTime.Equal(cur.LastTime) && id >= cur.FlowID) {
			continue
		}
		if len(page.Flows) == limit {
			last := page.Flows[limit-1]
			page.NextCursor = store.EncodeCursor(store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID})
			break
		}
		page.Flows = append(page.Flows, s)
	}
	return page, nil
}

func summarize(id string, evs []event.Event) store.FlowSummary {
	s := store.FlowSummary{CorrelationID: id, FirstTime: evs[0].Time, LastTime: evs[0].Time, EventCount: len(evs),
		Services: []string{}, Types: []string{}}
	cfg := diagnose.Default()
	s.SetDiagnosis(store.Summarize(&cfg, evs), time.Now())
	for _, e := range evs {
		if e.Time.After(s.LastTime) {
			s.LastTime = e.Time
		}
		if e.Source != "" && !slices.Contains(s.Services, e.Source) {
			s.Services = append(s.Services, e.Source)
		}
		if e.Type != "" && !slices.Contains(s.Types, e.Type) {
			s.Types = append(s.Types, e.Type)
		}
	}
	sort.Strings(s.Services)
	sort.Strings(s.Types)
	return s
}

func (m *memStore) Stats(context.Context) (store.Stats, error) {
	all := m.where(func(e *event.Event) bool { return !e.Internal })
	st := store.Stats{Events: int64(len(all)), Topics: []store.TopicCount{}}
	flows, topics := map[string]bool{}, map[string]int64{}
	for _, e := range all {
		flows[e.FlowID()] = true
		topics[e.Topic]++
	}
	st.Flows = int64(len(flows))
	internal := map[string]int64{}
	for _, e := range m.where(func(e *event.Event) bool { return e.Internal }) {
		internal[e.Topic]++
	}
	for t, n := range internal {
		st.Internal = append(st.Internal, store.TopicCount{Topic: t, Events: n})
	}
	sort.Slice(st.Internal, func(i, j int) bool { return st.Internal[i].Topic < st.Internal[j].Topic })
	for t, n := range topics {
		st.Topics = append(st.Topics, store.TopicCount{Topic: t, Events: n})
	}
	sort.Slice(st.Topics, func(i, j int) bool { return strings.Compare(st.Topics[i].Topic, st.Topics[j].Topic) < 0 })
	return st, nil
}

func (m *memStore) Ping(context.Context) error { return nil }
func (m *memStore) Close() error               { return nil }

func TestSuiteAgainstReference(t *testing.T) {
	n := 0
	Run(t, func(t *testing.T) store.Store { n++; return &memStore{seen: map[string]bool{}} }, Insights, Positions, Failures, Audit, Rewriter)
	t.Logf("%d stores opened", n)
}
