package clickhouse

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// stepCache keeps the diagnose steps of the records of recently written
// flows, as this process wrote them (Write, Rewrite's new rows; a
// tombstone removes its record), so that the verdict pass reads back only
// the flows it does not hold whole. It holds at most stepCacheMax records
// after each pass (the least recently written flows go first); between
// passes at most stepCacheHard, so that the flows a pass is about to sum
// up are rarely evicted before it. Whether a cached flow is whole is
// decided by the pass (verdictsFromCache): the cache never holds a record
// the table does not, so a flow is whole when it holds as many records as
// flow_summary counts. Its steps are classified with one configuration;
// another one empties it.
type stepCache struct {
	mu    sync.Mutex
	ver   uint64                   // of the configuration the steps are classified with
	n     int                      // records held
	flows map[string]*list.Element // of *cachedFlow, in lru
	lru   list.List                // most recently written first
}

// cachedFlow is one flow's records in the cache.
type cachedFlow struct {
	id   string
	recs map[recordKey]cachedStep
}

// cachedStep is a record's step and the version (ingested_at_ns) it came
// from: of two versions of a record the newest wins, as in readSteps.
type cachedStep struct {
	step     diagnose.Step
	ingested int64
}

const (
	// stepCacheMax is how many records the cache keeps after a pass.
	stepCacheMax = 40_000
	// stepCacheHard is how many it holds at most between passes.
	stepCacheHard = 4 * stepCacheMax
)

// add takes the records events (classified as classes with the
// configuration of version ver) wrote.
func (c *stepCache) add(ver uint64, events []event.Event, classes []diagnose.Class) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ver != ver || c.flows == nil {
		c.reset(ver)
	}
	for i := range events {
		e := &events[i]
		if e.Internal {
			continue
		}
		k := recordKey{flow: e.FlowID(), topic: e.Topic, partition: e.Partition, offset: e.Offset, kt: nanos(e.KafkaTime)}
		f := c.flow(k.flow)
		old, had := f.recs[k]
		ing := nanos(e.IngestedAt)
		if had && old.ingested > ing {
			continue
		}
		if e.IDSource == movedSource {
			if had {
				delete(f.recs, k)
				c.n--
			}
			continue
		}
		st := diagnose.StepOf(e, classes[i])
		st.Time, st.Where = timeOf(nanos(e.Time)), event.Coordinates(e.Topic, e.Partition, e.Offset)
		f.recs[k] = cachedStep{step: st, ingested: ing}
		if !had {
			c.n++
		}
	}
	c.trim(stepCacheHard)
}

// flow returns the cached flow id (new if absent), now the most recent.
func (c *stepCache) flow(id string) *cachedFlow {
	if el, ok := c.flows[id]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*cachedFlow)
	}
	f := &cachedFlow{id: id, recs: map[recordKey]cachedStep{}}
	c.flows[id] = c.lru.PushFront(f)
	return f
}

// reset empties the cache for steps classified with version ver.
func (c *stepCache) reset(ver uint64) {
	c.ver, c.n, c.flows = ver, 0, map[string]*list.Element{}
	c.lru.Init()
}

// trim evicts the least recently written flows until at most max records
// are held.
func (c *stepCache) trim(max int) {
	for c.n > max {
		el := c.lru.Back()
		f := el.Value.(*cachedFlow)
		c.lru.Remove(el)
		delete(c.flows, f.id)
		c.n -= len(f.recs)
	}
}

// steps returns the cached steps of the flows ids classified with the
// configuration of version ver (a flow with no record cached has none).
func (c *stepCache) steps(ver uint64, ids []string) map[string][]diagnose.Step {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]diagnose.Step{}
	if c.ver != ver {
		return out
	}
	for _, id := range ids {
		el, ok := c.flows[id]
		if !ok {
			continue
		}
		f := el.Value.(*cachedFlow)
		if len(f.recs) == 0 {
			continue
		}
		st := make([]diagnose.Step, 0, len(f.recs))
		for _, r := range f.recs {
			st = append(st, r.step)
		}
		out[id] = st
	}
	return out
}

// trimTo evicts the least recently written flows until at most max
// records are held.
func (c *stepCache) trimTo(max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.trim(max)
}

// verdictsFromCache inserts the verdicts of the flows ids that the step
// cache holds whole (classified with cfg, of version ver) and returns the others. A flow
// is whole when the cache holds as many of its records as flow_summary
// counts (one narrow read by primary key): every cached record is in the
// table (Write adds them once the server has them; a tombstone written by
// this process removes one), and flow_summary counts every record the
// flow ever had, so a flow with records written before this process, or
// evicted, or moved out, counts more and is read back.
func (s *Store) verdictsFromCache(ctx context.Context, ids []string, cfg *diagnose.Config, ver uint64) ([]string, error) {
	var rest []string
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), verdictChunk)]
		ids = ids[len(chunk):]
		cached := s.steps.steps(ver, chunk)
		var ask []any
		for _, id := range chunk {
			if _, ok := cached[id]; ok {
				ask = append(ask, id)
			} else {
				rest = append(rest, id)
			}
		}
		heads, err := flowHeads(ctx, s.conn, ask)
		if err != nil {
			return nil, err
		}
		vs := make([]verdict, 0, len(ask))
		for _, a := range ask {
			id := a.(string)
			if st := cached[id]; heads[id].records == uint64(len(st)) {
				vs = append(vs, verdictOf(id, st, cfg))
			} else {
				rest = append(rest, id)
			}
		}
		if err := insertVerdicts(ctx, s.conn, vs, time.Now(), true); err != nil {
			return nil, err
		}
	}
	return rest, nil
}
