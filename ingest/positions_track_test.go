package ingest

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

// TestTrackerPaceResetAndRows follows one position through polls: rows only
// when something moved, the pace from moves while records waited, a reset
// backwards remembered, and the oldest waiting record asked of the store
// once per coordinate.
func TestTrackerPaceResetAndRows(t *testing.T) {
	tr := newTracker(10 * time.Second) // missing records looked up again after 30 s
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	k := tp{"orders", 0}
	poll := func(sec int, committed, high int64, refs ...store.RecordRef) ([]store.Coord, []store.Position) {
		r := reading{groups: []groupReading{{name: "billing"}, {name: "audit"}},
			offsets: map[string]map[tp]int64{"billing": {k: committed}, "audit": {k: committed}},
			high:    map[tp]int64{k: high}}
		at := t0.Add(time.Duration(sec) * time.Second)
		need := tr.update(r, at)
		return need, tr.rows(refs, need, at)
	}
	need, rows := poll(0, 5, 10)
	if len(need) != 1 || need[0] != (store.Coord{Topic: "orders", Offset: 5}) || len(rows) != 2 {
		t.Fatalf("first poll: need %v (want orders[0]@5 once for both groups), rows %v", need, rows)
	}
	// The store now knows record 5: a row for each group, with Oldest.
	_, rows = poll(10, 5, 10)
	if len(rows) != 0 {
		t.Errorf("nothing moved, nothing looked up again within %s: rows %v", retryMissing, rows)
	}
	five := store.RecordRef{Coord: store.Coord{Topic: "orders", Offset: 5}, KafkaTime: t0.Add(-time.Minute)}
	tr.keys[posKey{"billing", k}].lookedUp = time.Time{} // as if retryMissing passed
	tr.keys[posKey{"audit", k}].lookedUp = time.Time{}
	need, rows = poll(20, 5, 10, five)
	if len(need) != 1 || len(rows) != 2 || !rows[0].Oldest.Equal(five.KafkaTime) || !rows[0].Prev.Equal(t0.Add(10*time.Second)) {
		t.Errorf("oldest known: need %v rows %+v", need, rows)
	}
	// Moves every 10 s while records wait: pace 10 s; then a reset.
	poll(30, 7, 10)
	poll(40, 9, 10)
	if s := tr.keys[posKey{"billing", k}]; s.pace != 10*time.Second || !s.moved.Equal(t0.Add(40*time.Second)) {
		t.Errorf("pace %s moved %v; want 10 s (the first move, after an unknown wait, does not count), moved at 40 s", s.pace, s.moved)
	}
	_, rows = poll(50, 2, 10)
	if s := tr.keys[posKey{"billing", k}]; s.reset == nil || s.reset.From != 9 || s.reset.To != 2 || len(rows) != 2 {
		t.Errorf("reset = %+v, rows %d", s.reset, len(rows))
	}
	// Nothing moves for an hour: one row per position anyway (the
	// heartbeat that bounds how far back a store looks).
	if _, rows = poll(51, 2, 10); len(rows) != 0 {
		t.Errorf("nothing moved: %d rows", len(rows))
	}
	if _, rows = poll(50+3600, 2, 10); len(rows) != 2 || rows[0].Committed != 2 {
		t.Errorf("an hour without a move: rows %+v, want one per group", rows)
	}
	// A group no longer listed disappears.
	r := reading{groups: []groupReading{{name: "audit"}}, offsets: map[string]map[tp]int64{"audit": {k: 2}}, high: map[tp]int64{k: 10}}
	tr.update(r, t0.Add(60*time.Second))
	if _, ok := tr.keys[posKey{"billing", k}]; ok || len(tr.groups(r)) != 1 {
		t.Errorf("deleted group still tracked")
	}
}
