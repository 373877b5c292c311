package clickhouse

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// failMemo remembers the flow status of the flows /failures and the alerts
// ask about, so that a request does not read every failing flow's status
// again: that read was nearly all of /api/failures' time (~200 ms for 554
// failing flows at 300k events when it ran the diagnose engine on their
// records; 200-660 ms under load average 22 through flow_summary heads and
// flow_verdicts, issue 12's read model). A Write of this store forgets the
// flows it touched; an entry older than memoTTL is still used, and re-read
// in the background (one refresh at a time), so a status written by
// another process shows within about memoTTL.
type failMemo struct {
	mu         sync.Mutex
	status     map[string]memoEntry
	refreshing bool
}

// memoEntry is a status read at at, or, when gone, the mark of a flow
// forgotten at at (a read that started before must not put it back).
type memoEntry struct {
	status string
	at     time.Time
	gone   bool
}

// memoTTL is how long a memoised status is used before it is re-read;
// memoMax bounds the memo (it starts afresh when full).
const (
	memoTTL = 30 * time.Second
	memoMax = 200_000
)

// forget drops the flows of events (they changed).
func (m *failMemo) forget(events []event.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.status) == 0 {
		return
	}
	now := time.Now()
	for i := range events {
		if id := events[i].FlowID(); m.status[id] != (memoEntry{}) {
			m.status[id] = memoEntry{at: now, gone: true}
		}
	}
}

// lookup splits ids into the memoised statuses, the ids it lacks and the
// ids whose status is older than memoTTL at now.
func (m *failMemo) lookup(ids []string, now time.Time) (known map[string]string, missing, stale []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	known = make(map[string]string, len(ids))
	for _, id := range ids {
		e, ok := m.status[id]
		if !ok || e.gone {
			missing = append(missing, id)
			continue
		}
		known[id] = e.status
		if now.Sub(e.at) > memoTTL {
			stale = append(stale, id)
		}
	}
	return known, missing, stale
}

// put memoises statuses of a read that started at at, except those of
// flows forgotten since.
func (m *failMemo) put(statuses map[string]string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.status == nil || len(m.status)+len(statuses) > memoMax {
		m.status = make(map[string]memoEntry, len(statuses))
	}
	for id, st := range statuses {
		if e := m.status[id]; !e.gone || e.at.Before(at) {
			m.status[id] = memoEntry{status: st, at: at}
		}
	}
}

// startRefresh reports whether the caller should refresh (none running).
func (m *failMemo) startRefresh() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.refreshing {
		return false
	}
	m.refreshing = true
	return true
}

func (m *failMemo) endRefresh() {
	m.mu.Lock()
	m.refreshing = false
	m.mu.Unlock()
}

// failedStatuses sets the FlowStatus of records from their flows'
// diagnosis: memoised statuses as they are, missing ones read now, stale
// ones re-read in the background.
func (s *Store) failedStatuses(ctx context.Context, recs []store.FailedRecord) error {
	var ids []string
	seen := map[string]bool{}
	for _, r := range recs {
		if !seen[r.FlowID] {
			seen[r.FlowID] = true
			ids = append(ids, r.FlowID)
		}
	}
	now := time.Now()
	status, missing, stale := s.fails.lookup(ids, now)
	if len(missing) > 0 {
		read, err := s.readStatuses(ctx, missing)
		if err != nil {
			return err
		}
		s.fails.put(read, now)
		for id, st := range read {
			status[id] = st
		}
	}
	if len(stale) > 0 && s.fails.startRefresh() {
		go s.refreshStatuses(stale)
	}
	for i := range recs {
		recs[i].FlowStatus = status[recs[i].FlowID]
	}
	return nil
}

// refreshStatuses re-reads the statuses of ids in the background; it
// gives up when the store closes.
func (s *Store) refreshStatuses(ids []string) {
	defer s.fails.endRefresh()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	at := time.Now()
	read, err := s.readStatuses(ctx, ids)
	if err != nil {
		s.log.Warn("failures: refresh flow statuses", "flows", len(ids), "err", err)
		return
	}
	s.fails.put(read, at)
}

// readStatuses reads the statuses of the flows ids, statusChunk at a time.
func (s *Store) readStatuses(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), statusChunk)
		sums := make([]store.FlowSummary, n)
		for i, id := range ids[:n] {
			sums[i].CorrelationID = id
		}
		if err := s.diagnoseSummaries(ctx, sums); err != nil {
			return nil, fmt.Errorf("failed records: flow status: %w", err)
		}
		for _, f := range sums {
			out[f.CorrelationID] = f.Status
		}
		ids = ids[n:]
	}
	return out, nil
}
