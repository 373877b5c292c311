package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// runPositions checks store.Positions: idempotent writes, history with the
// state before the window, the first poll past an offset (through an
// offset reset), and records by coordinates.
func runPositions(t *testing.T, o Opener, lacks []Capability) {
	t0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	pos := func(g, topic string, p int32, committed, high int64, at, prev int) store.Position {
		r := store.Position{Group: g, Topic: topic, Partition: p, Committed: committed, High: high, At: sec(at)}
		if prev >= 0 {
			r.Prev = sec(prev)
		}
		if committed < high {
			r.Oldest = sec(-100 + int(committed))
		}
		return r
	}
	rows := []store.Position{
		pos("billing", "orders", 0, 5, 10, 0, -1),
		pos("billing", "orders", 0, 8, 10, 10, 0),
		pos("billing", "orders", 0, 10, 12, 20, 10),
		pos("billing", "orders", 0, 3, 12, 30, 20), // reset backwards
		pos("billing", "orders", 0, 12, 12, 40, 30),
		pos("billing", "orders", 1, 0, 4, 0, -1),
		pos("kitchen", "orders", 0, 7, 10, 5, -1),
		pos("kitchen", "orders", 0, 7, 12, 25, 15),
		pos("audit", "payments", 0, 1, 1, 0, -1),
	}
	open := func(t *testing.T) store.Positions {
		ps := capable[store.Positions](t, o.fresh(t), Positions, lacks)
		// Written twice (a retried poll) and in two batches.
		for _, b := range [][]store.Position{rows[:4], rows[4:], rows} {
			if err := ps.WritePositions(t.Context(), b); err != nil {
				t.Fatalf("WritePositions: %v", err)
			}
		}
		return ps
	}
	t.Run("History", func(t *testing.T) {
		ps := open(t)
		got, err := ps.PositionHistory(t.Context(), "billing", sec(10), sec(40))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.Position{rows[0], rows[1], rows[2], rows[3], rows[5]} // rows[0] and [5]: the state at 10s
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("PositionHistory(billing, 10s, 40s) -want +got:\n%s", d)
		}
		all, err := ps.PositionHistory(t.Context(), "", sec(0), sec(3600))
		if err != nil {
			t.Fatal(err)
		}
		wantAll := []store.Position{rows[8], rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7]}
		if d := cmp.Diff(wantAll, all); d != "" {
			t.Errorf("PositionHistory(every group) -want +got:\n%s", d)
		}
		none, err := ps.PositionHistory(t.Context(), "nobody", sec(0), sec(3600))
		if err != nil || len(none) != 0 {
			t.Errorf("PositionHistory(unknown group) = %v, %v; want none", none, err)
		}
	})
	t.Run("FirstPassed", func(t *testing.T) {
		ps := open(t)
		for _, c := range []struct {
			offset int64
			want   []store.Position
		}{
			{4, []store.Position{rows[0], rows[6]}},  // billing first saw 5 > 4; kitchen 7 > 4
			{7, []store.Position{rows[1]}},           // kitchen sits at 7: the record at 7 is not read
			{9, []store.Position{rows[2]}},           // the reset to 3 afterwards does not undo it
			{11, []store.Position{rows[4]}},          // read after the reset
			{12, nil},                                // nobody
			{-1, []store.Position{rows[0], rows[6]}}, // every offset passes -1
		} {
			got, err := ps.FirstPassed(t.Context(), "orders", 0, c.offset)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("FirstPassed(orders, 0, %d) -want +got:\n%s", c.offset, d)
			}
		}
	})
	t.Run("Records", func(t *testing.T) {
		s := o.fresh(t)
		ps := capable[store.Positions](t, s, Positions, lacks)
		a := MakeEvent("orders", 1, 7, "e7", "c1", "", t0)
		b := MakeEvent("orders", 1, 8, "e8", "c1", "e7", t0.Add(time.Second))
		again := MakeEvent("orders", 1, 7, "e7-new", "c2", "", t0.Add(time.Hour)) // the offset reused by a new topic
		for _, batch := range [][]event.Event{{a, b}, {again}} {
			if err := s.Write(t.Context(), batch); err != nil {
				t.Fatal(err)
			}
		}
		got, err := ps.Records(t.Context(), []store.Coord{{Topic: "orders", Partition: 1, Offset: 7},
			{Topic: "orders", Partition: 1, Offset: 8}, {Topic: "orders", Partition: 1, Offset: 9}, {Topic: "x", Partition: 0, Offset: 7}})
		if err != nil {
			t.Fatal(err)
		}
		byOffset := map[int64]store.RecordRef{}
		for _, r := range got {
			byOffset[r.Offset] = r
		}
		want := map[int64]store.RecordRef{
			7: {Coord: store.Coord{Topic: "orders", Partition: 1, Offset: 7}, EventID: "e7-new", CorrelationID: "c2", FlowID: "c2", KafkaTime: again.KafkaTime},
			8: {Coord: store.Coord{Topic: "orders", Partition: 1, Offset: 8}, EventID: "e8", CorrelationID: "c1", FlowID: "c1", KafkaTime: b.KafkaTime},
		}
		if d := cmp.Diff(want, byOffset); d != "" || len(got) != 2 {
			t.Errorf("Records: %d refs, -want +got:\n%s", len(got), d)
		}
	})
}

// MovedPositions returns n position rows observed at at, as a poll in
// which n positions moved would write them: 100 groups over topics of
// 1,000 partitions (benchmarks of a poll's store cost use it).
func MovedPositions(n int, at time.Time) []store.Position {
	rows := make([]store.Position, n)
	for i := range rows {
		rows[i] = store.Position{Group: fmt.Sprintf("g%03d", i%100), Topic: fmt.Sprintf("t%02d", i/1000),
			Partition: int32(i % 1000 / 10), Committed: at.Unix(), High: at.Unix() + 5, At: at}
	}
	return rows
}
