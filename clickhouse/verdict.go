package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// verdict is one row of flow_verdicts (migration 0012): a flow's summary
// and the diagnose engine's clock-free verdict on it.
type verdict struct {
	flow                    string
	first, last             int64
	records                 uint64
	services, types, topics []string
	sum                     diagnose.Summary
}

// verdictOf sums up one flow's steps (one per distinct record) with cfg.
func verdictOf(flow string, steps []diagnose.Step, cfg *diagnose.Config) verdict {
	v := verdict{flow: flow, first: zeroNanos, last: zeroNanos, records: uint64(len(steps)), sum: cfg.Summarize(steps)}
	var svcs, typs, tops []string
	for i, st := range steps {
		t := nanos(st.Time)
		if i == 0 || t < v.first {
			v.first = t
		}
		if i == 0 || t > v.last {
			v.last = t
		}
		svcs, typs, tops = append(svcs, st.Source), append(typs, st.Type), append(tops, st.Topic)
	}
	v.services, v.types, v.topics = slices.Compact(sortedSet(svcs)), slices.Compact(sortedSet(typs)), slices.Compact(sortedSet(tops))
	return v
}

// kinds is the sorted list of the clock-free kinds the verdict shows.
func (v *verdict) kinds() []string { return v.sum.KindList(time.Time{}) }

// summary is the FlowSummary the verdict gives at time now.
func (v *verdict) summary(now time.Time) store.FlowSummary {
	f := store.FlowSummary{CorrelationID: v.flow, FirstTime: timeOf(v.first), LastTime: timeOf(v.last),
		EventCount: int(v.records), Services: v.services, Types: v.types}
	f.SetDiagnosis(v.sum, now)
	return f
}

// stallNanos is StallAt as stored: 0 when nothing is expected.
func stallNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// summaryOf rebuilds the diagnose.Summary of a stored verdict.
func summaryOf(kinds []string, base, reason, failedType string, stall int64) diagnose.Summary {
	s := diagnose.Summary{Kinds: map[string]int{}, Base: base, Reason: reason, FailedType: failedType}
	for _, k := range kinds {
		s.Kinds[k] = 1
	}
	if stall != 0 {
		s.StallAt = timeOf(stall)
	}
	return s
}

// insertVerdicts inserts rows of flow_verdicts, computed at computed,
// with their topics (migration 0015) when topics is set: the backfill of
// 0012 runs before that migration and leaves them out (topics_known = 0).
func insertVerdicts(ctx context.Context, conn driver.Conn, vs []verdict, computed time.Time, topics bool) error {
	cols := "flow_id, last_ns, last_time, first_ns, computed_ns, records, services, types, kinds, base, reason, failed_type, stall_ns"
	if topics {
		cols += ", topics, topics_known"
	}
	return insertRows(ctx, conn, "INSERT INTO flow_verdicts ("+cols+")", len(vs), func(b driver.Batch) error {
		c := uint64(computed.UnixNano())
		for i := range vs {
			v := &vs[i]
			row := []any{v.flow, v.last, seconds(timeOf(v.last)), v.first, c, v.records, v.services, v.types,
				v.kinds(), v.sum.Base, v.sum.Reason, v.sum.FailedType, stallNanos(v.sum.StallAt)}
			if topics {
				row = append(row, v.topics, uint8(1))
			}
			if err := b.Append(row...); err != nil {
				return err
			}
		}
		return nil
	})
}

// verdictChunk is how many flows one pass reads and sums up at a time
// (one query: each granule of events that holds some of them is read once;
// 2000 IDs keep the query text under max_query_size).
const verdictChunk = 2000

// computeVerdicts reads the records of the flows ids, sums them up with
// cfg and inserts their verdicts, verdictChunk flows at a time. A flow
// with no records left (dropped by retention) gets none.
func computeVerdicts(ctx context.Context, conn driver.Conn, ids []string, cfg *diagnose.Config, topics bool) error {
	for len(ids) > 0 {
		n := min(len(ids), verdictChunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		steps, err := readSteps(ctx, conn, args, cfg)
		if err != nil {
			return err
		}
		vs := make([]verdict, 0, len(steps))
		for _, id := range ids[:n] {
			if st := steps[id]; len(st) > 0 {
				vs = append(vs, verdictOf(id, st, cfg))
			}
		}
		if err := insertVerdicts(ctx, conn, vs, time.Now(), topics); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// pending is the set of flows written since their verdict was last
// computed, in this process: Write adds to it, a pass (every
// verdictEvery, before every read that selects flows by verdict, and at
// Close) computes their verdicts and empties it.
//
// A flow a Write is sending (in flight) has rows in some tables and not
// yet in others, nor in the step cache: the background pass leaves it
// pending until the write is over (it would read the flow back and sum
// up a half-written flow, to do it again after the write), while a
// settle before a read takes it like any other.
type pending struct {
	mu       sync.Mutex
	flows    map[string]struct{}
	inflight map[string]int // flows of the writes in flight, how many writes each
	run      sync.Mutex     // one pass at a time
}

// verdictEvery is how often the background pass runs.
const verdictEvery = 2 * time.Second

// touch marks flows as written.
func (p *pending) touch(flows []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.flows == nil {
		p.flows = map[string]struct{}{}
	}
	for _, f := range flows {
		p.flows[f] = struct{}{}
	}
}

// begin marks flows as being written.
func (p *pending) begin(flows []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inflight == nil {
		p.inflight = map[string]int{}
	}
	for _, f := range flows {
		p.inflight[f]++
	}
}

// end marks flows as written (whether the write succeeded or not: a
// failed one may have left rows) by a write that began them.
func (p *pending) end(flows []string) {
	p.mu.Lock()
	for _, f := range flows {
		if p.inflight[f]--; p.inflight[f] <= 0 {
			delete(p.inflight, f)
		}
	}
	p.mu.Unlock()
	p.touch(flows)
}

// take empties the set and returns what it held; with skipInFlight, the
// flows of writes in flight stay in it and are not returned.
func (p *pending) take(skipInFlight bool) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.flows))
	for f := range p.flows {
		if skipInFlight && p.inflight[f] > 0 {
			continue
		}
		out = append(out, f)
		delete(p.flows, f)
	}
	return out
}

// settle computes the verdicts of every flow written before it was
// called: once it returns nil, flow_verdicts holds the verdict of every
// flow this process wrote. Flows it failed on stay pending.
func (s *Store) settle(ctx context.Context) error { return s.pass(ctx, false) }

// pass computes the verdicts of the pending flows, but for those of the
// writes in flight when skipInFlight (the background pass).
func (s *Store) pass(ctx context.Context, skipInFlight bool) error {
	s.pend.run.Lock()
	defer s.pend.run.Unlock()
	ids := s.pend.take(skipInFlight)
	if len(ids) == 0 {
		return nil
	}
	cfg, ver := s.diag.Current()
	rest, err := s.verdictsFromCache(ctx, ids, cfg, ver)
	if err == nil {
		err = computeVerdicts(ctx, s.conn, rest, cfg, true)
	}
	if err != nil {
		s.pend.touch(ids)
		return fmt.Errorf("compute flow verdicts: %w", err)
	}
	s.log.Debug("flow verdicts computed", "flows", len(ids), "read back", len(rest))
	s.steps.trimTo(stepCacheMax)
	return nil
}

// verdictLoop settles every verdictEvery until stop, then once more.
func (s *Store) verdictLoop() {
	defer close(s.vdone)
	tick := time.NewTicker(verdictEvery)
	defer tick.Stop()
	pass := func(skipInFlight bool) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.pass(ctx, skipInFlight); err != nil {
			s.log.Warn("flow verdicts: will retry", "err", err)
		}
	}
	for {
		select {
		case <-s.stop:
			pass(false)
			return
		case <-tick.C:
			pass(true)
		}
	}
}
