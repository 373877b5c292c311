package sqlite

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// TestPayloadIndexInStep checks that the trigram index of payloads
// (migrations 0014, 0015) holds every written event, that a text search goes
// through it, and that a store whose index is missing rebuilds it from
// the events when the migration runs.
func TestPayloadIndexInStep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fts.db")
	s, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := storetest.NewGen(storetest.Base)
	var evs []event.Event
	for i, p := range []string{`{"error":"Card Declined"}`, `{"note":"card declined again"}`, `{"ok":true}`} {
		e := g.Event("payments", "f"+string(rune('a'+i)), "e"+string(rune('a'+i)), "", time.Duration(i)*time.Second)
		e.Payload, e.PayloadSize = []byte(p), len(p)
		evs = append(evs, e)
	}
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	count := func(s *Store, phrase string) int {
		var n int
		if err := s.r.QueryRowContext(t.Context(), `SELECT count(*) FROM payload_fts WHERE payload_fts MATCH ?`, phrase).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(s, trigrams("card declined")); n != 2 {
		t.Errorf("index finds %d payloads with card declined, want 2", n)
	}
	where := where{now: time.Now()}
	if err := where.term(store.Term{Field: store.FieldText, Value: "card declined"}); err != nil {
		t.Fatal(err)
	}
	var plan []string
	rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN SELECT flow_id FROM flows f"+where.sql(), where.args...)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	rows.Close()
	t.Logf("plan: %q", plan)
	if !slices.ContainsFunc(plan, func(d string) bool { return strings.HasPrefix(d, "SCAN payload_fts VIRTUAL TABLE") }) {
		t.Errorf("text search does not use the index: plan %q", plan)
	}
	// Lose the index and the migration's record: reopening rebuilds it.
	for _, q := range []string{`DROP TABLE payload_fts`, `DROP TRIGGER payload_fts_insert`, `DROP TRIGGER payload_fts_delete`,
		`DELETE FROM schema_migrations WHERE version IN (14, 15)`} {
		if _, err := s.w.ExecContext(t.Context(), q); err != nil {
			t.Fatal(q, err)
		}
	}
	s.Close()
	s, err = Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := count(s, trigrams("declined")); n != 2 {
		t.Errorf("rebuilt index finds %d payloads, want 2", n)
	}
	p, err := s.Flows(t.Context(), store.FlowQuery{Terms: []store.Term{{Field: store.FieldText, Value: "CARD DECLINED"}}})
	if err != nil || len(p.Flows) != 2 {
		t.Errorf("Flows(text CARD DECLINED) = %d flows, %v; want 2", len(p.Flows), err)
	}
}
