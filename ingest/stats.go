package ingest

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of what an Ingester has done, shaped for /api/stats.
type Stats struct {
	Ready      bool             `json:"ready"`
	GroupID    string           `json:"group_id"`
	Consumed   int64            `json:"consumed"`
	Stored     int64            `json:"stored"`
	Batches    int64            `json:"batches"`
	Retries    int64            `json:"retries"`
	Abandoned  int64            `json:"abandoned_batches"`
	Topics     []TopicStats     `json:"topics"`
	Partitions []PartitionStats `json:"partitions"`
	// Backfill is set when the ingester started with FromBeginning.
	Backfill    *Backfill  `json:"backfill,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
}

// TopicStats counts one topic's records.
type TopicStats struct {
	Topic    string `json:"topic"`
	Consumed int64  `json:"consumed"`
	Stored   int64  `json:"stored"`
}

// PartitionStats is one partition this ingester currently owns.
type PartitionStats struct {
	Topic         string `json:"topic"`
	Partition     int32  `json:"partition"`
	HighWatermark int64  `json:"high_watermark"`
	// NextOffset is the next offset to store: everything before it is
	// durable (and marked for commit).
	NextOffset int64 `json:"next_offset"`
	Lag        int64 `json:"lag"`
}

// Backfill is the progress of a FromBeginning start: records stored out of
// those present when ingest started (in partitions this ingester owns).
type Backfill struct {
	Done       int64     `json:"done"`
	Total      int64     `json:"total"`
	RatePerSec float64   `json:"rate_per_sec"`
	ETASeconds float64   `json:"eta_seconds"`
	Complete   bool      `json:"complete"`
	StartedAt  time.Time `json:"started_at"`
}

type tp struct {
	topic     string
	partition int32
}

type topicState struct{ consumed, stored atomic.Int64 }

type partState struct {
	hwm   atomic.Int64
	next  atomic.Int64 // next offset to store; -1 until known
	owned atomic.Bool
}

// span is a partition's backfill range [start, end).
type span struct{ start, end int64 }

// state holds the counters behind Stats. Per-record paths touch only atomics
// reached through pointers looked up once per claim.
type state struct {
	groupID string
	ready   atomic.Bool
	batches atomic.Int64
	retries atomic.Int64
	dropped atomic.Int64
	// writeFail is set while writes fail, nil once one succeeds.
	writeFail atomic.Pointer[WriteFailure]

	mu        sync.Mutex
	topics    map[string]*topicState
	parts     map[tp]*partState
	lastErr   string
	lastErrAt time.Time
	bfStart   time.Time
	bfSpans   map[tp]span // nil: no backfill
}

func newState(groupID string) *state {
	return &state{groupID: groupID, topics: map[string]*topicState{}, parts: map[tp]*partState{}}
}

func (s *state) topic(name string) *topicState {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[name]
	if t == nil {
		t = &topicState{}
		s.topics[name] = t
	}
	return t
}

func (s *state) partition(topic string, partition int32) *partState {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tp{topic, partition}
	p := s.parts[k]
	if p == nil {
		p = &partState{}
		p.next.Store(-1)
		s.parts[k] = p
	}
	return p
}

func (s *state) setError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = err.Error()
	s.lastErrAt = time.Now().UTC()
}

func (s *state) startBackfill(spans map[tp]span, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bfSpans, s.bfStart = spans, now
}

// lag is hwm minus the next offset to store, never negative.
func (p *partState) lag() int64 {
	next := p.next.Load()
	if next < 0 {
		return 0
	}
	return max(p.hwm.Load()-next, 0)
}

func (s *state) snapshot(now time.Time) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{
		Ready:      s.ready.Load(),
		GroupID:    s.groupID,
		Batches:    s.batches.Load(),
		Retries:    s.retries.Load(),
		Abandoned:  s.dropped.Load(),
		Topics:     []TopicStats{},
		Partitions: []PartitionStats{},
		LastError:  s.lastErr,
	}
	if !s.lastErrAt.IsZero() {
		at := s.lastErrAt
		st.LastErrorAt = &at
	}
	for name, t := range s.topics {
		ts := TopicStats{Topic: name, Consumed: t.consumed.Load(), Stored: t.stored.Load()}
		st.Consumed += ts.Consumed
		st.Stored += ts.Stored
		st.Topics = append(st.Topics, ts)
	}
	slices.SortFunc(st.Topics, func(a, b TopicStats) int { return cmp.Compare(a.Topic, b.Topic) })
	for k, p := range s.parts {
		if !p.owned.Load() {
			continue
		}
		st.Partitions = append(st.Partitions, PartitionStats{
			Topic: k.topic, Partition: k.partition,
			HighWatermark: p.hwm.Load(), NextOffset: p.next.Load(), Lag: p.lag(),
		})
	}
	slices.SortFunc(st.Partitions, func(a, b PartitionStats) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	if s.bfSpans != nil {
		st.Backfill = s.backfillLocked(now)
	}
	return st
}

func (s *state) backfillLocked(now time.Time) *Backfill {
	b := &Backfill{StartedAt: s.bfStart}
	for k, sp := range s.bfSpans {
		b.Total += sp.end - sp.start
		if p := s.parts[k]; p != nil {
			b.Done += min(max(p.next.Load()-sp.start, 0), sp.end-sp.start)
		}
	}
	b.Complete = b.Done >= b.Total
	if secs := now.Sub(s.bfStart).Seconds(); secs > 0 {
		b.RatePerSec = float64(b.Done) / secs
	}
	if !b.Complete && b.RatePerSec > 0 {
		b.ETASeconds = float64(b.Total-b.Done) / b.RatePerSec
	}
	return b
}
