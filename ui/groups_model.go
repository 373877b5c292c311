package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/eventscope/eventscope/store"
)

// groupJSON is one consumer group in GET /api/groups and GET
// /api/groups/{name}. LagSeconds is the age of the oldest record the group
// has not committed (the largest over its partitions), null when records
// wait but none of them is stored (a topic eventscope does not tap).
type groupJSON struct {
	Name        string          `json:"name"`
	State       string          `json:"state"`
	Members     int             `json:"members"`
	LagMessages int64           `json:"lag_messages"`
	LagSeconds  *float64        `json:"lag_seconds"`
	Stuck       bool            `json:"stuck"`
	Topics      []string        `json:"topics"`
	Error       string          `json:"error,omitempty"`
	URL         string          `json:"url"`
	Partitions  []partitionJSON `json:"partitions,omitempty"`
}

// partitionJSON is a group's position on one partition.
type partitionJSON struct {
	Topic       string   `json:"topic"`
	Partition   int32    `json:"partition"`
	Committed   int64    `json:"committed_offset"`
	High        int64    `json:"high_watermark"`
	LagMessages int64    `json:"lag_messages"`
	LagSeconds  *float64 `json:"lag_seconds"`
	// Stored is false when records wait but the one at the committed
	// offset is not stored ("not stored": no lag in time, no stuck record).
	Stored bool `json:"stored"`
	// StillFor is how long the committed offset has not moved, in seconds.
	StillFor float64 `json:"still_for_seconds"`
	Stuck    bool    `json:"stuck"`
	// StuckAt is the record at the committed offset of a stuck group.
	StuckAt *stuckJSON         `json:"stuck_at"`
	Reset   *store.OffsetReset `json:"reset,omitempty"`
	// RecordURL is the permalink of the record at the committed offset.
	RecordURL string `json:"record_url"`
}

// stuckJSON names the record a group is stuck on.
type stuckJSON struct {
	EventID       string `json:"event_id"`
	CorrelationID string `json:"correlation_id"`
	URL           string `json:"url"` // its flow, with it selected
}

// unavailable is the one message the pages and the API give when the
// positions cannot be shown.
func unavailable(reason string) string { return "consumer positions unavailable: " + reason }

// errPollingOff is the reason when --group-poll is 0.
const pollingOff = "polling is off (--group-poll 0)"

// groupsState is the snapshot and its problem, if any, for one request.
type groupsState struct {
	snap store.GroupsSnapshot
	err  string // "consumer positions unavailable: ..." or ""
	now  time.Time
}

func (h *handler) groupsState() groupsState {
	s := groupsState{now: h.now()}
	if h.positions == nil {
		s.err = unavailable(pollingOff)
		return s
	}
	s.snap = h.positions()
	switch {
	case s.snap.Err != "":
		s.err = unavailable(s.snap.Err)
	case s.snap.At.IsZero():
		s.err = unavailable("the first poll has not finished yet")
	}
	return s
}

// groupOf sums a group's partitions up; with parts it lists them, looking
// up the records stuck partitions wait on.
func (h *handler) groupOf(ctx context.Context, s groupsState, g store.GroupStatus, parts bool) (groupJSON, error) {
	out := groupJSON{Name: g.Name, State: g.State, Members: g.Members, Topics: []string{}, URL: GroupURL(g.Name)}
	if g.Err != "" {
		out.Error = unavailable(g.Err)
	}
	var refs map[store.Coord]store.RecordRef
	if parts { // one group: ask the store for the records it waits on
		var err error
		if g.Partitions, refs, err = h.waitedOn(ctx, s, g.Partitions); err != nil {
			return out, fmt.Errorf("records group %s waits on: %w", g.Name, err)
		}
	}
	var worst *float64
	for i := range g.Partitions {
		p := &g.Partitions[i]
		pj := partitionOf(p, s)
		out.LagMessages += pj.LagMessages
		if pj.LagSeconds != nil && (worst == nil || *pj.LagSeconds > *worst) {
			worst = pj.LagSeconds
		}
		if pj.Stuck {
			out.Stuck = true
			if r, ok := refs[store.Coord{Topic: p.Topic, Partition: p.Partition, Offset: p.Committed}]; ok {
				pj.StuckAt = &stuckJSON{EventID: r.EventID, CorrelationID: r.CorrelationID, URL: FlowEventURL(r.FlowID, r.EventID)}
			}
		}
		if !slices.Contains(out.Topics, p.Topic) {
			out.Topics = append(out.Topics, p.Topic)
		}
		if parts {
			out.Partitions = append(out.Partitions, pj)
		}
	}
	out.LagSeconds = worst
	if out.LagMessages == 0 {
		zero := 0.0
		out.LagSeconds = &zero
	}
	return out, nil
}

// waitedOn looks up the records at the committed offsets of the partitions
// where records wait and the snapshot has no time for them yet (ingest was
// behind at the poll) or the group is stuck. It returns a copy of ps with
// the times filled in (the snapshot is shared), and the records found.
func (h *handler) waitedOn(ctx context.Context, s groupsState, ps []store.PartitionStatus) ([]store.PartitionStatus, map[store.Coord]store.RecordRef, error) {
	st, ok := h.store.(store.Positions)
	if !ok {
		return ps, nil, nil
	}
	var at []store.Coord
	for i := range ps {
		p := &ps[i]
		if p.Behind() > 0 && (p.Oldest.IsZero() || p.Stuck(s.now, s.snap.Interval)) {
			at = append(at, store.Coord{Topic: p.Topic, Partition: p.Partition, Offset: p.Committed})
		}
	}
	if len(at) == 0 {
		return ps, nil, nil
	}
	found, err := st.Records(ctx, at)
	if err != nil {
		return nil, nil, err
	}
	refs := make(map[store.Coord]store.RecordRef, len(found))
	for _, r := range found {
		refs[r.Coord] = r
	}
	out := slices.Clone(ps)
	for i := range out {
		p := &out[i]
		if r, ok := refs[store.Coord{Topic: p.Topic, Partition: p.Partition, Offset: p.Committed}]; ok && p.Oldest.IsZero() && p.Behind() > 0 {
			p.Oldest = r.KafkaTime
		}
	}
	return out, refs, nil
}

func partitionOf(p *store.PartitionStatus, s groupsState) partitionJSON {
	pj := partitionJSON{Topic: p.Topic, Partition: p.Partition, Committed: p.Committed, High: p.High,
		LagMessages: p.Behind(), Stored: true, Reset: p.Reset,
		RecordURL: RecordURL(p.Topic, p.Partition, p.Committed)}
	if !p.Moved.IsZero() {
		pj.StillFor = secondsOf(s.now.Sub(p.Moved))
	}
	switch {
	case pj.LagMessages == 0:
		zero := 0.0
		pj.LagSeconds = &zero
	case p.Oldest.IsZero():
		pj.Stored = false
	default:
		lag := max(secondsOf(s.now.Sub(p.Oldest)), 0)
		pj.LagSeconds = &lag
	}
	pj.Stuck = p.Stuck(s.now, s.snap.Interval)
	return pj
}

func secondsOf(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// allGroups is every group, the furthest behind in time first (unknown
// lag in time after known, then by lag in messages, then by name).
func (h *handler) allGroups(ctx context.Context, s groupsState) ([]groupJSON, error) {
	out := make([]groupJSON, 0, len(s.snap.Groups))
	for _, g := range s.snap.Groups {
		gj, err := h.groupOf(ctx, s, g, false)
		if err != nil {
			return nil, err
		}
		out = append(out, gj)
	}
	slices.SortStableFunc(out, func(a, b groupJSON) int {
		la, lb := -1.0, -1.0
		if a.LagSeconds != nil {
			la = *a.LagSeconds
		}
		if b.LagSeconds != nil {
			lb = *b.LagSeconds
		}
		return cmp.Or(cmp.Compare(lb, la), cmp.Compare(b.LagMessages, a.LagMessages), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// errNoGroup is a group name the latest poll did not see.
func errNoGroup(name string) error {
	return fmt.Errorf("consumer group %q: %w", name, store.ErrNotFound)
}

// dashboardGroups is how many groups the dashboard lists.
const dashboardGroups = 5

// groupsBehind is the dashboard's groups furthest behind in time (only
// those with records waiting); nil when positions are not polled.
func (h *handler) groupsBehind(ctx context.Context) (*groupListView, error) {
	if h.positions == nil {
		return nil, nil
	}
	s := h.groupsState()
	gs, err := h.allGroups(ctx, s)
	if err != nil {
		return nil, err
	}
	behind := gs[:0]
	for _, g := range gs {
		if g.LagMessages > 0 && len(behind) < dashboardGroups {
			behind = append(behind, g)
		}
	}
	v := groupListViewOf(behind, s.err, asOf(s.snap.At))
	return &v, nil
}
