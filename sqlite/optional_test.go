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

// TestConformanceIndexes runs the suite with both optional indexes on.
func TestConformanceIndexes(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "events.db"), nil, WithTextIndex(true), WithFieldIndex(true))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestConformanceIndexesInMemory: the same on the in-memory store, and
// with every window wide.
func TestConformanceIndexesInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := OpenDSN(t.Context(), MemoryDSN, nil, WithTextIndex(true), WithFieldIndex(true))
		if err != nil {
			t.Fatal(err)
		}
		s.narrowEvents = 1
		return s
	})
}

func has(t *testing.T, s *Store, name string) bool {
	t.Helper()
	var n int
	if err := s.r.QueryRowContext(t.Context(), `SELECT count(*) FROM sqlite_master WHERE name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func queryPlan(t *testing.T, s *Store, q store.FlowQuery) []string {
	t.Helper()
	b := where{now: time.Now()}
	var err error
	if b.text, err = s.textPlans(t.Context(), q.Terms); err != nil {
		t.Fatal(err)
	}
	if b.fields, err = s.fieldPlans(t.Context(), q.Terms); err != nil {
		t.Fatal(err)
	}
	for _, tm := range q.Terms {
		if err := b.term(tm); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN SELECT flow_id FROM flows f"+b.sql(), b.args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

// TestOptionalIndexes: each index is created and filled from the stored
// events when switched on, kept in step by writes, used by searches, and
// dropped when switched off.
func TestOptionalIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "opt.db")
	s, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := storetest.NewGen(storetest.Base)
	write := func(s *Store, from int, payloads ...string) {
		var evs []event.Event
		for i, p := range payloads {
			n := from + i
			e := g.Event("payments", "f"+string(rune('a'+n)), "e"+string(rune('a'+n)), "", time.Duration(n)*time.Second)
			e.Payload, e.PayloadSize = []byte(p), len(p)
			evs = append(evs, e)
		}
		if err := s.Write(t.Context(), evs); err != nil {
			t.Fatal(err)
		}
	}
	write(s, 0, `{"error":"Card Declined","amount":"750.00"}`, `{"note":"card declined again","amount":12}`)
	if has(t, s, "payload_fts") || has(t, s, "payload_paths") {
		t.Fatal("optional indexes exist without being asked for")
	}
	s.Close()
	if s, err = Open(t.Context(), path, nil, WithTextIndex(true), WithFieldIndex(true)); err != nil {
		t.Fatal(err)
	}
	write(s, 2, `{"ok":true,"customer":{"id":"cus-1"}}`)
	flows := func(terms ...store.Term) []string {
		t.Helper()
		p, err := s.Flows(t.Context(), store.FlowQuery{Terms: terms})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range p.Flows {
			ids = append(ids, f.CorrelationID)
		}
		slices.Sort(ids)
		return ids
	}
	text := store.Term{Field: store.FieldText, Value: "CARD DECLINED"}
	if got := flows(text); !slices.Equal(got, []string{"fa", "fb"}) {
		t.Errorf("text CARD DECLINED: flows %v, want [fa fb]", got)
	}
	plan := queryPlan(t, s, store.FlowQuery{Terms: []store.Term{text}})
	if !slices.ContainsFunc(plan, func(d string) bool { return strings.HasPrefix(d, "SCAN payload_fts VIRTUAL TABLE") }) {
		t.Errorf("text search does not use the index: plan %q", plan)
	}
	for _, tt := range []struct {
		term store.Term
		want []string
	}{
		{store.Term{Field: store.FieldPayload, Name: "customer.id", Op: store.OpHas}, []string{"fc"}},
		{store.Term{Field: store.FieldPayload, Name: "customer.id", Value: "cus-1"}, []string{"fc"}},
		{store.Term{Field: store.FieldPayload, Name: "customer.id", Value: "cus-2"}, nil},
		{store.Term{Field: store.FieldPayload, Name: "amount", Op: store.OpGT, Value: "500"}, []string{"fa"}},
		{store.Term{Field: store.FieldPayload, Name: "amount", Op: store.OpLE, Value: "12"}, []string{"fb"}},
		{store.Term{Field: store.FieldPayload, Name: "amount", Op: store.OpGT, Value: "1e9"}, nil},
		{store.Term{Field: store.FieldPayload, Name: "nope", Op: store.OpHas}, nil},
		{store.Term{Field: store.FieldPayload, Name: "nope", Op: store.OpHas, Negate: true}, []string{"fa", "fb", "fc"}},
	} {
		if got := flows(tt.term); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: flows %v, want %v", tt.term, got, tt.want)
		}
		if p, err := s.fieldPlans(t.Context(), []store.Term{tt.term}); err != nil || len(p[fieldKey(tt.term)].ids) != len(tt.want) && !tt.term.Negate {
			t.Errorf("%+v: the field read model names %v (%v), want the %d flows found", tt.term, p, err, len(tt.want))
		}
	}
	s.Close()
	// Opened without options (a command reading the store): both stay.
	if s, err = Open(t.Context(), path, nil); err != nil {
		t.Fatal(err)
	}
	if !has(t, s, "payload_fts") || !has(t, s, "payload_paths") || !s.opts.textIndex || !s.opts.fieldIndex {
		t.Error("opening without options dropped an index")
	}
	s.Close()
	if s, err = Open(t.Context(), path, nil, WithTextIndex(false)); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if has(t, s, "payload_fts") || has(t, s, "payload_fts_insert") || !has(t, s, "payload_paths") {
		t.Error("switching the text index off left it (or dropped the field model)")
	}
	write(s, 3, `{"note":"declined"}`)
	if got := flows(store.Term{Field: store.FieldText, Value: "declined"}); !slices.Equal(got, []string{"fa", "fb", "fd"}) {
		t.Errorf("text without the index: flows %v, want [fa fb fd]", got)
	}
}

func TestTextTrigrams(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"card", `"car" AND "ard"`},
		{"ab", ""},
		{"kik", ""},
		{"é-café", `"-ca" AND "caf"`},
		{"éé", ""},
		{`a"bc`, `"a""b" AND """bc"`},
		{"Order 42", `"Ord" AND "rde" AND "der" AND "er " AND "r 4" AND " 42"`},
	} {
		if got := textTrigrams(tt.text); got != tt.want {
			t.Errorf("textTrigrams(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
	long := textTrigrams(strings.Repeat("abcdefgh", 10))
	if n := strings.Count(long, " AND ") + 1; n > maxTrigrams+1 {
		t.Errorf("%d trigrams for long text, want at most %d", n, maxTrigrams+1)
	}
}
