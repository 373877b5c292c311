package sqlite

import (
	"container/list"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// Bounds of the flow cache: the record skeletons it holds in all (~300
// bytes each: about 12 MB), and the largest flow it keeps (a bigger one
// is read from the events table at each write, as before).
const (
	cacheSteps   = 40_000
	cacheMaxFlow = 2_000
)

// flowCache keeps what Write knows of the flows it wrote to last: each
// flow's summary row and the skeleton of its records in Flow order. The
// next write to such a flow reads neither its flows row nor its records
// again (reading the touched flows' skeletons was a third of a write's
// CPU after issue 13). The flows written least recently leave first.
//
// Only Write changes the events and flows tables, through the one writer
// connection, and entries are replaced only after a commit: the cache is
// what the database holds. Another connection writing the file (a second
// process) is noticed through PRAGMA data_version, and the cache is
// dropped.
type flowCache struct {
	// off: every write reads its flows' rows and records back (tests
	// compare the two ways).
	off     bool
	mu      sync.Mutex
	steps   int
	flows   map[string]*list.Element // of *cachedFlow
	lru     list.List                // front: written most recently
	version int64                    // data_version seen at the last write
	// names: the topics, types, sources and correlation IDs the cached
	// skeletons share (one copy each). Used by writers only, under
	// Store.wmu.
	names map[string]string
}

// maxNames bounds flowCache.names; past it, strings are copied.
const maxNames = 20_000

// intern returns s, shared with the cache's copy when it has one. Only
// a writer holding Store.wmu calls it.
func (c *flowCache) intern(s string) string {
	if v, ok := c.names[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if len(c.names) < maxNames {
		if c.names == nil {
			c.names = map[string]string{}
		}
		c.names[v] = v
	}
	return v
}

// shareCauses points the Cause of each step of add at the ID string of
// the step of the flow (old and add) it names, when there is one (the
// cause is usually the flow's previous record): the skeletons hold one
// copy of each ID.
func shareCauses(old, add []diagnose.Step) {
	ids := make(map[string]string, len(old)+len(add))
	for _, ss := range [][]diagnose.Step{old, add} {
		for i := range ss {
			ids[ss[i].ID] = ss[i].ID
		}
	}
	for i := range add {
		if id, ok := ids[add[i].Cause]; ok {
			add[i].Cause = id
		}
	}
}

// cachedFlow is one flow's summary (its diagnosis aside) and skeleton.
type cachedFlow struct {
	id    string
	sum   flowSum
	steps []diagnose.Step
	pos   []stepPos // of steps, the rest of the Flow order's key
}

// stepPos is the partition and offset of a step, which with its time and
// topic order the records of a flow (as events_flow does).
type stepPos struct {
	part int32
	off  int64
}

// check drops the cache when another connection changed the database
// since the last write.
func (c *flowCache) check(ctx context.Context, tx *sql.Tx) error {
	var v int64
	if err := tx.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return fmt.Errorf("data version: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		c.reset()
		c.version = v
	}
	return nil
}

// reset empties the cache; the caller holds mu.
func (c *flowCache) reset() {
	c.flows, c.steps = nil, 0
	c.lru.Init()
}

// get returns a copy of the cached summary of a flow, and its skeleton
// (not to be changed), if cached.
func (c *flowCache) get(id string) (*flowSum, *cachedFlow) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.flows[id]
	if !ok || c.off {
		return nil, nil
	}
	cf := el.Value.(*cachedFlow)
	sum := cf.sum // the write adds to the lists: copies
	sum.services, sum.types, sum.topics = slices.Clone(sum.services), slices.Clone(sum.types), slices.Clone(sum.topics)
	return &sum, cf
}

// seq returns the number of a cached flow (see flowseq.go).
func (c *flowCache) seq(id string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.flows[id]
	if !ok || c.off {
		return 0, false
	}
	return el.Value.(*cachedFlow).sum.seq, true
}

// put records a flow as a committed write left it; steps and pos are
// the cache's from now on.
func (c *flowCache) put(id string, sum *flowSum, steps []diagnose.Step, pos []stepPos) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flows == nil {
		c.flows = map[string]*list.Element{}
	}
	c.dropLocked(id)
	if len(steps) > cacheMaxFlow {
		return
	}
	s := *sum
	s.diag = diagnose.Summary{}
	c.flows[id] = c.lru.PushFront(&cachedFlow{id: id, sum: s, steps: steps, pos: pos})
	c.steps += len(steps)
	for c.steps > cacheSteps {
		old := c.lru.Back()
		cf := old.Value.(*cachedFlow)
		c.lru.Remove(old)
		delete(c.flows, cf.id)
		c.steps -= len(cf.steps)
	}
}

// drop forgets a flow.
func (c *flowCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(id)
}

func (c *flowCache) dropLocked(id string) {
	if el, ok := c.flows[id]; ok {
		c.steps -= len(el.Value.(*cachedFlow).steps)
		c.lru.Remove(el)
		delete(c.flows, id)
	}
}

// skeleton is the step of a new record e (class cl) as the events table
// gives it back, its strings copied out of the record's buffers (the
// names shared through c.intern).
func (c *flowCache) skeleton(e *event.Event, cl diagnose.Class) (diagnose.Step, stepPos) {
	cl.Reason = strings.Clone(cl.Reason) // every flag kept, as the class column keeps them
	return diagnose.Step{ID: strings.Clone(e.EventID), Cause: strings.Clone(e.CausationID),
		Type: c.intern(e.Type), Source: c.intern(e.Source), Topic: c.intern(e.Topic),
		Flow: c.intern(e.CorrelationID), Where: e.Coordinates(), Time: fromNanos(nanos(e.Time)),
		Class: cl}, stepPos{e.Partition, e.Offset}
}

// merge returns the steps of a flow with new steps added, in Flow order
// (time, topic, partition, offset; new after old on a tie, as rowids
// order them). The old slices are not changed.
func merge(steps []diagnose.Step, pos []stepPos, add []diagnose.Step, addPos []stepPos) ([]diagnose.Step, []stepPos) {
	idx := make([]int, len(add))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return stepCmp(&add[a], addPos[a], &add[b], addPos[b]) })
	outS := make([]diagnose.Step, 0, len(steps)+len(add))
	outP := make([]stepPos, 0, len(steps)+len(add))
	i := 0
	for _, j := range idx {
		for i < len(steps) && stepCmp(&steps[i], pos[i], &add[j], addPos[j]) <= 0 {
			outS, outP = append(outS, steps[i]), append(outP, pos[i])
			i++
		}
		outS, outP = append(outS, add[j]), append(outP, addPos[j])
	}
	return append(outS, steps[i:]...), append(outP, pos[i:]...)
}

func stepCmp(a *diagnose.Step, ap stepPos, b *diagnose.Step, bp stepPos) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	if c := strings.Compare(a.Topic, b.Topic); c != 0 {
		return c
	}
	if ap.part != bp.part {
		return int(ap.part) - int(bp.part)
	}
	switch {
	case ap.off < bp.off:
		return -1
	case ap.off > bp.off:
		return 1
	}
	return 0
}
