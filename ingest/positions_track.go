package ingest

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/store"
)

// fetched is one group's committed offsets, or why they could not be read.
type fetched struct {
	offsets map[tp]int64
	err     string
}

// fetchOffsets reads the committed offsets of groups: in one OffsetFetch
// per coordinator when the brokers take it (Kafka 3.0+), else one request
// per group, a few at a time. Internal "__" topics are left out.
func fetchOffsets(admin offsetsAdmin, groups []groupReading) map[string]fetched {
	out := make(map[string]fetched, len(groups))
	req := make(map[string]map[string][]int32, len(groups))
	for _, g := range groups {
		req[g.name] = nil // nil: every partition it has an offset on
	}
	if res, err := admin.ListConsumerGroupOffsetsBatch(req); err == nil {
		for _, g := range groups {
			r := res[g.name]
			switch {
			case r == nil:
				out[g.name] = fetched{err: "offsets: no answer from its coordinator"}
			case !errors.Is(r.Err, sarama.ErrNoError):
				out[g.name] = fetched{err: "offsets: " + r.Err.Error()}
			default:
				out[g.name] = fetched{offsets: committedOf(r.Blocks)}
			}
		}
		return out
	}
	var mu sync.Mutex
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(8, len(groups)) {
		wg.Go(func() {
			for name := range work {
				var f fetched
				resp, err := admin.ListConsumerGroupOffsets(name, nil)
				if err != nil {
					f.err = "offsets: " + err.Error()
				} else {
					f.offsets = committedOf(resp.Blocks)
				}
				mu.Lock()
				out[name] = f
				mu.Unlock()
			}
		})
	}
	for _, g := range groups {
		work <- g.name
	}
	close(work)
	wg.Wait()
	return out
}

func committedOf(blocks map[string]map[int32]*sarama.OffsetFetchResponseBlock) map[tp]int64 {
	out := map[tp]int64{}
	for topic, parts := range blocks {
		if strings.HasPrefix(topic, "__") {
			continue
		}
		for p, b := range parts {
			if b != nil && errors.Is(b.Err, sarama.ErrNoError) && b.Offset >= 0 {
				out[tp{topic, p}] = b.Offset
			}
		}
	}
	return out
}

// posKey names one group's position on one partition.
type posKey struct {
	group string
	tp
}

// posState is what the tracker remembers of a position between polls.
type posState struct {
	committed, high int64
	oldest          time.Time // Kafka time of the record at committed; zero while unknown
	lookedUp        time.Time // when the store last had no record at committed
	seen            time.Time // the latest poll that saw it
	prev            time.Time // the poll before seen that saw it (or, new, the poller's previous poll)
	moved           time.Time // the poll that first saw committed at its value
	waiting         time.Time // since when records wait without a move; zero when none
	pace            time.Duration
	movedSeen       bool // a move was seen: moved is a real move, not the first poll
	reset           *store.OffsetReset
	dirty           bool      // to be written
	written         time.Time // when its last row was written
}

// tracker turns successive readings into compact history rows and the
// snapshot's per-partition state. Not safe for concurrent use.
type tracker struct {
	keys  map[posKey]*posState
	last  time.Time     // the latest poll
	retry time.Duration // how long a record missing from the store is not looked up again
}

// newTracker returns a tracker for polls every interval. A record missing
// from the store (not ingested yet, or on a topic not tapped) is looked up
// again after three polls, and at least every retryMissing.
func newTracker(interval time.Duration) *tracker {
	return &tracker{keys: map[posKey]*posState{}, retry: min(3*interval, retryMissing)}
}

// retryMissing bounds how long a missing record is not looked up again.
const retryMissing = 30 * time.Second

// update applies a reading taken at at, and returns the coordinates of the
// records whose time the store should tell (the oldest record a group
// waits on, when not known yet).
func (t *tracker) update(r reading, at time.Time) []store.Coord {
	present := map[string]bool{}
	for _, g := range r.groups {
		present[g.name] = g.err == ""
		if g.err != "" {
			continue
		}
		for k, committed := range r.offsets[g.name] {
			high, ok := r.high[k]
			if !ok {
				continue // its topic was deleted: no partition to wait on
			}
			t.observe(posKey{g.name, k}, committed, high, at)
		}
	}
	var need []store.Coord
	asked := map[store.Coord]bool{} // groups reading one partition wait on the same records
	for k, s := range t.keys {
		ok, listed := present[k.group]
		switch {
		case !listed: // a deleted group disappears
			delete(t.keys, k)
		case ok && s.seen != at: // its offsets are gone (deleted, or expired)
			delete(t.keys, k)
		case s.seen == at && s.committed < s.high && s.oldest.IsZero() && at.Sub(s.lookedUp) >= t.retry:
			if c := (store.Coord{Topic: k.topic, Partition: k.partition, Offset: s.committed}); !asked[c] {
				asked[c] = true
				need = append(need, c)
			}
		}
	}
	return need
}

func (t *tracker) observe(k posKey, committed, high int64, at time.Time) {
	s := t.keys[k]
	if s == nil {
		t.keys[k] = &posState{committed: committed, high: high, seen: at, prev: t.last, moved: at, dirty: true}
		if committed < high {
			t.keys[k].waiting = at
		}
		return
	}
	if committed != s.committed {
		if committed < s.committed {
			s.reset = &store.OffsetReset{At: at, From: s.committed, To: committed}
		} else if !s.waiting.IsZero() && s.movedSeen {
			gap := at.Sub(s.waiting)
			if s.pace == 0 {
				s.pace = gap
			} else {
				s.pace = (3*s.pace + gap) / 4
			}
		}
		s.committed, s.moved, s.oldest, s.lookedUp, s.waiting, s.dirty = committed, at, time.Time{}, time.Time{}, time.Time{}, true
		s.movedSeen = true
	}
	if high != s.high {
		s.high, s.dirty = high, true
	}
	if committed >= high {
		s.waiting, s.oldest = time.Time{}, time.Time{}
	} else if s.waiting.IsZero() {
		s.waiting = at
	}
	s.prev, s.seen = s.seen, at
}

// rows takes the store's answer for the coordinates update asked for,
// and returns the rows to write: the positions that moved, or whose
// oldest waiting record became known.
func (t *tracker) rows(refs []store.RecordRef, need []store.Coord, at time.Time) []store.Position {
	asked := make(map[store.Coord]bool, len(need))
	for _, c := range need {
		asked[c] = true
	}
	found := make(map[store.Coord]time.Time, len(refs))
	for _, r := range refs {
		found[r.Coord] = r.KafkaTime
	}
	var out []store.Position
	for k, s := range t.keys {
		if s.seen != at {
			continue
		}
		if c := (store.Coord{Topic: k.topic, Partition: k.partition, Offset: s.committed}); asked[c] {
			if kt, ok := found[c]; ok {
				s.oldest, s.dirty = kt, true
			} else {
				s.lookedUp = at
			}
		}
		if !s.dirty && at.Sub(s.written) < store.PositionHeartbeat {
			continue
		}
		s.dirty, s.written = false, at
		out = append(out, store.Position{Group: k.group, Topic: k.topic, Partition: k.partition,
			Committed: s.committed, High: s.high, At: at, Prev: s.prev, Oldest: s.oldest})
	}
	t.last = at
	return out
}

// groups is the snapshot of the reading's groups.
func (t *tracker) groups(r reading) []store.GroupStatus {
	byGroup := map[string][]store.PartitionStatus{}
	for k, s := range t.keys {
		byGroup[k.group] = append(byGroup[k.group], store.PartitionStatus{
			Position: store.Position{Group: k.group, Topic: k.topic, Partition: k.partition,
				Committed: s.committed, High: s.high, At: s.seen, Oldest: s.oldest},
			Moved: s.moved, Pace: s.pace, Reset: s.reset,
		})
	}
	out := make([]store.GroupStatus, 0, len(r.groups))
	for _, g := range r.groups {
		ps := byGroup[g.name]
		if g.err != "" {
			ps = nil // kept for the next poll, not shown as current
		}
		slices.SortFunc(ps, func(a, b store.PartitionStatus) int {
			return cmp.Or(strings.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
		})
		if ps == nil {
			ps = []store.PartitionStatus{}
		}
		err := g.err
		if g.note != "" {
			err = strings.TrimSuffix(g.note+"; "+g.err, "; ")
		}
		out = append(out, store.GroupStatus{Name: g.name, State: g.state, Members: g.members, Partitions: ps, Err: err})
	}
	return out
}
