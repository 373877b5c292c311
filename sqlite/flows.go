package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/eventscope/eventscope/store"
)

// Flows lists flow summaries from the flows table, newest last event
// first, with keyset paging on (last_time, flow_id). Type, source, topic
// and anomaly terms are answered from the summary row; ID and key terms
// through the event ID and key indexes; header and text terms (and the
// time window) by EXISTS over the flow's events through the events_flow
// index, scanning flows newest first until the page is full. The SQL
// skeleton is built from the typed terms; every value is a bound parameter.
func (s *Store) Flows(ctx context.Context, q store.FlowQuery) (store.FlowPage, error) {
	page, err := s.flows(ctx, q)
	if err != nil {
		return store.FlowPage{}, fmt.Errorf("list flows: %w", err)
	}
	return page, nil
}

func (s *Store) flows(ctx context.Context, q store.FlowQuery) (store.FlowPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	now := time.Now()
	b := where{now: now}
	if q.Cursor != "" {
		c, err := store.DecodeCursor(q.Cursor)
		if err != nil {
			return store.FlowPage{}, err
		}
		b.add("(f.last_time, f.flow_id) < (?, ?)", nanos(c.LastTime), c.FlowID)
	}
	// A flow has events in [From, To): its last is at or after From, its
	// first before To, and, with both bounds, one event lies between.
	if !q.From.IsZero() {
		b.add("f.last_time >= ?", nanos(q.From))
	}
	if !q.To.IsZero() {
		b.add("f.first_time < ?", nanos(q.To))
	}
	if !q.From.IsZero() && !q.To.IsZero() {
		narrow, err := s.narrowWindow(ctx, q.From, q.To)
		if err != nil {
			return store.FlowPage{}, err
		}
		if narrow { // the few flows of its events, through the time index
			b.add("f.flow_id IN (SELECT flow_id FROM flow_seqs WHERE seq IN (SELECT flow_seq FROM events WHERE time >= ? AND time < ?))",
				nanos(q.From), nanos(q.To))
		} else { // most flows qualify: check each, newest first
			b.add(inFlow("e.time >= ? AND e.time < ?"), nanos(q.From), nanos(q.To))
		}
	}
	var err error
	if b.text, err = s.textPlans(ctx, q.Terms); err != nil {
		return store.FlowPage{}, err
	}
	if b.fields, err = s.fieldPlans(ctx, q.Terms); err != nil {
		return store.FlowPage{}, err
	}
	for _, tm := range q.Terms {
		if err := b.term(tm); err != nil {
			return store.FlowPage{}, err
		}
	}
	query := `SELECT ` + summaryColumns + ` FROM flows f` + b.sql() + ` ORDER BY f.last_time DESC, f.flow_id DESC LIMIT ?`
	rows, err := s.r.QueryContext(ctx, query, append(b.args, limit+1)...)
	if err != nil {
		return store.FlowPage{}, err
	}
	page := store.FlowPage{}
	if page.Flows, err = scanSummaries(rows, time.Now()); err != nil {
		return store.FlowPage{}, err
	}
	if len(page.Flows) > limit {
		page.Flows = page.Flows[:limit]
		last := page.Flows[limit-1]
		page.NextCursor = store.EncodeCursor(store.Cursor{LastTime: last.LastTime, FlowID: last.CorrelationID})
	}
	return page, nil
}

// narrowWindowEvents is the most events a window may hold to be searched
// from its events rather than flow by flow.
const narrowWindowEvents = 20000

// narrowWindow reports whether [from, to) holds fewer than s.narrowEvents
// events, counting at most that many entries of the time index.
func (s *Store) narrowWindow(ctx context.Context, from, to time.Time) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events WHERE time >= ? AND time < ? LIMIT ?)`,
		nanos(from), nanos(to), s.narrowEvents).Scan(&n)
	return n < s.narrowEvents, err
}

// where collects the conditions of a WHERE clause and their arguments.
type where struct {
	conds []string
	args  []any
	now   time.Time // for the stalled and in_progress terms
	// text and fields: the plans of text and payload terms through the
	// optional indexes (textPlans, fieldPlans); nil when off.
	text   map[string]string
	fields map[string]fieldPlan
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// inFlow is a condition true when some event of the flow meets cond.
func inFlow(cond string) string {
	return "EXISTS (SELECT 1 FROM events e WHERE e.flow_seq = f.seq AND (" + cond + "))"
}

// Summary lists and event columns of the fields a flow lists.
var (
	listColumn  = map[store.Field]string{store.FieldType: "f.types", store.FieldSource: "f.services", store.FieldTopic: "f.topics"}
	eventColumn = map[store.Field]string{store.FieldType: "e.type", store.FieldSource: "e.source", store.FieldTopic: "e.topic"}
)

// listTerm matches type, source or topic in the flow's summary lists, so
// that even a rare value costs one instr() per flow, not a look at every
// event. The lists omit empty values: a term for "" checks the events.
func listTerm(tm store.Term) (string, []any) {
	if tm.Value == "" {
		c, a := match(eventColumn[tm.Field], tm)
		return inFlow(c), a
	}
	return "instr(" + listColumn[tm.Field] + ", ?) > 0", []any{listNeedle(tm.Value, tm.Prefix)}
}

// keyFlows is the condition "the flow has an event whose key matches tm".
// IDs and keys are searched to find one flow among many: the flows are
// looked up once through the (partial) key index rather than by checking
// every flow. That index leaves out the empty key and records keyed by
// their own flow's ID (the usual case: key and correlation ID are the
// order's ID); those flows are found by their ID.
func keyFlows(tm store.Term) (string, []any) {
	if tm.Value == "" { // the empty key is not indexed
		c, a := match("e.msg_key", tm)
		return inFlow(c), a
	}
	c, a := keyIndexFlows(tm)
	cf, af := match("f.flow_id", tm)
	return "(" + c + " OR (" + cf + " AND " + inFlow("e.msg_key = f.flow_id") + "))", append(a, af...)
}

// keyIndexFlows is keyFlows for the keys in the key index: those of
// records keyed by another ID than their flow's.
func keyIndexFlows(tm store.Term) (string, []any) {
	c, a := match("msg_key", tm)
	return "f.flow_id IN (SELECT flow_id FROM events WHERE msg_key <> '' AND msg_key <> flow_id AND " + c + ")", a
}

// term adds the condition of one term: column names come from fixed
// tables, values are always bound.
func (w *where) term(tm store.Term) error {
	var cond string
	var args []any
	switch tm.Field {
	case store.FieldType, store.FieldSource, store.FieldTopic:
		cond, args = listTerm(tm)
	case store.FieldKey:
		cond, args = keyFlows(tm)
	case store.FieldID:
		c1, a1 := match("f.flow_id", tm)
		c2, a2 := idMatch(tm)
		c3, a3 := keyFlows(tm)
		if tm.Value != "" {
			// A flow keyed by its own ID matches c1 already.
			c3, a3 = keyIndexFlows(tm)
		}
		cond = "(" + c1 + " OR f.flow_id IN (SELECT flow_id FROM events WHERE " + c2 + ") OR " + c3 + ")"
		args = append(append(a1, a2...), a3...)
	case store.FieldHeader:
		cond, args = inFlow("instr(e.headers, ?) > 0"), []any{headerNeedle(tm.Name, tm.Value, tm.Prefix)}
	case store.FieldText:
		cond, args = w.textTerm(tm.Value)
	case store.FieldPayload:
		cond, args = w.payloadTerm(tm)
	case store.FieldAnomaly:
		cond, args = anomalyTerm(tm, w.now)
	case store.FieldStatus:
		cond, args = statusTerm(tm.Value, w.now)
	default:
		return fmt.Errorf("unknown search field %q", tm.Field)
	}
	if tm.Negate {
		cond = "NOT " + cond
	}
	w.add(cond, args...)
	return nil
}

// match is the condition for col equal to, or (Prefix) starting with, the
// term's value. A prefix is a byte-wise range [p, successor(p)) rather than
// LIKE, so no character is a wildcard, case matters, and indexes apply.
func match(col string, tm store.Term) (string, []any) {
	switch {
	case !tm.Prefix:
		return col + " = ?", []any{tm.Value}
	case tm.Value == "":
		return "1", nil
	}
	if hi, ok := successor(tm.Value); ok {
		return "(" + col + " >= ? AND " + col + " < ?)", []any{tm.Value, hi}
	}
	return col + " >= ?", []any{tm.Value}
}

// scanSummaries reads rows of summaryColumns as summaries at now. It
// closes rows.
func scanSummaries(rows *sql.Rows, now time.Time) ([]store.FlowSummary, error) {
	defer rows.Close()
	out := []store.FlowSummary{}
	for rows.Next() {
		sum, err := scanSummary(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, rows.Err()
}
