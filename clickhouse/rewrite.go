package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

var _ store.Rewriter = (*Store)(nil)

// Rewriting records (issue 19) inserts new versions, never mutates: the
// events table is a ReplacingMergeTree versioned by ingested_at_ns, so of
// the rows one record has in one flow the newest wins, on merge and in
// every reader (latestEvents). A record that moves to another flow gets
// its new version there through Write (read models included) and, in the
// flow it left, a tombstone: the old row again, newer, with id_source
// movedSource, which readers leave out. The read models of the flow it
// left are aggregate states that cannot forget a record: that flow's
// summary (flow_summary, flow_times) keeps counting it, and a flow left
// empty stays listed while Flow says it is not found. Resolve by that
// flow's ID or the old event ID also still finds it.

// movedSource is the id_source of a tombstone.
const movedSource = "moved"

// versionKey is a record's identity within a flow, for LIMIT 1 BY.
const versionKey = "flow_id, topic, kafka_partition, kafka_offset, kafka_time_ns"

// latestEvents selects eventColumns of the newest row of each record (in
// each flow) among the rows where cond holds, without tombstones. The
// caller appends ORDER BY. cond must select every row of a record it
// selects one of (a flow_id or record-identity condition, not a field a
// newer version may change).
func latestEvents(cond string) string {
	return "SELECT " + eventColumns + " FROM (SELECT " + eventColumns + `, flow_id FROM events WHERE ` + cond +
		" ORDER BY ingested_at_ns DESC LIMIT 1 BY " + versionKey + ") WHERE id_source != '" + movedSource + "'"
}

// Undecoded returns up to limit records whose newest row's decode note
// starts with note. The notes are scanned (one column); the records'
// rows are then read by primary key.
func (s *Store) Undecoded(ctx context.Context, note string, limit int) ([]event.Event, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	q := "SELECT " + eventColumns + " FROM (" + latestEvents(`(`+versionKey+`) IN (
  SELECT `+versionKey+` FROM events WHERE substring(decode_error, 1, ?) = ?)`) +
		") WHERE substring(decode_error, 1, ?) = ? ORDER BY topic, kafka_partition, kafka_offset LIMIT ?"
	n := uint64(len(note))
	rows, err := s.conn.Query(ctx, q, n, note, n, note, limit)
	if err != nil {
		return nil, fmt.Errorf("records with note %q: %w", note, err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("records with note %q: %w", note, err)
	}
	return evs, nil
}

// WaitingSchemas scans the notes (one column) for the distinct prefixes
// "schema 7: "; rows a rewrite replaced but a merge has not dropped yet
// may still name an ID (harmless: Undecoded then finds nothing).
func (s *Store) WaitingSchemas(ctx context.Context) ([]int32, error) {
	ctx, cancel := s.readCtx(ctx)
	defer cancel()
	rows, err := s.conn.Query(ctx, `SELECT DISTINCT substring(decode_error, 1, position(decode_error, ': ') + 1) FROM events
WHERE substring(decode_error, 1, 7) = 'schema '`)
	if err != nil {
		return nil, fmt.Errorf("schemas records wait for: %w", err)
	}
	defer rows.Close()
	var out []int32
	for rows.Next() {
		var note string
		if err := rows.Scan(&note); err != nil {
			return nil, fmt.Errorf("schemas records wait for: %w", err)
		}
		if id, ok := event.WaitingSchema(note); ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// Rewrite stores the read-model rows and classes of each New as Write
// does, then the New rows and, for a record that changed flows, a
// tombstone in the flow it left, in one insert: readers never see a
// record in both flows, or in none. Should the insert fail, the records
// still wait (Undecoded returns them) and a retry is harmless: the
// read-model states are idempotent. A New no newer than its Old is made
// 1 µs newer: the newest row wins.
func (s *Store) Rewrite(ctx context.Context, rs []store.Rewrite) error {
	if len(rs) == 0 {
		return nil
	}
	rows := make([]event.Event, 0, 2*len(rs))
	for _, r := range rs {
		n := r.New
		if !n.IngestedAt.After(r.Old.IngestedAt) {
			n.IngestedAt = r.Old.IngestedAt.Add(time.Microsecond)
		}
		rows = append(rows, n)
	}
	news := len(rows)
	for i, r := range rs {
		if r.Old.FlowID() != rows[i].FlowID() {
			t := r.Old
			t.IDSource, t.IngestedAt = movedSource, rows[i].IngestedAt
			rows = append(rows, t)
		}
	}
	cfg, ver := s.diag.Current()
	classes := make([]diagnose.Class, len(rows))
	for i := range rows {
		classes[i] = cfg.Classify(&rows[i])
	}
	if err := s.writeRollup(ctx, rollUp(rows[:news], classes[:news])); err != nil {
		return fmt.Errorf("rewrite %d events: read models: %w", news, err)
	}
	if err := s.writeClasses(ctx, rows[:news], classes[:news]); err != nil {
		return fmt.Errorf("rewrite %d events: classes: %w", news, err)
	}
	if err := s.writeEvents(ctx, rows, classes); err != nil {
		return fmt.Errorf("rewrite: %w", err)
	}
	s.steps.add(ver, rows, classes)
	s.touchFlows(rows) // both flows' verdicts change
	return nil
}
