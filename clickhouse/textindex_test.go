package clickhouse

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func TestTextPieces(t *testing.T) {
	for in, want := range map[string][]string{
		"card declined":   {"card decl", "ned"},
		"Card DECLINED":   {"card decl", "ned"},
		"ok":              nil,
		"50%_of":          nil, // split by LIKE's own characters into pieces too short
		"100% off":        {" off", "100"},
		"café au lait":    {" au la", "caf"},
		"KELVIN":          {"elv"},
		"xx\x00yyy":       {"yyy"},
		"a_b\\c":          nil,
		"one two three x": {"one two three x"},
	} {
		if got := textPieces(in); !cmp.Equal(got, want) {
			t.Errorf("textPieces(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTextIndex: on a current engine (chDB) the migration adds the text
// index and searches use it (the plan names it, granules are skipped) and
// find what store.TextMatches finds, case and the U+0130/U+212A folding
// included; on 18.16 there is none and nothing changes.
func TestTextIndex(t *testing.T) {
	t.Run("18.16", func(t *testing.T) {
		s, _ := openMigrated(t, Options{})
		defer s.Close()
		if s.textIndex {
			t.Error("a text index on 18.16")
		}
	})
	t.Run("current", func(t *testing.T) {
		base := testServer(t, envCurrentDSN, "the current-engine text index test", "scripts/chdb start")
		s, _ := openMigratedOn(t, base, Options{})
		defer s.Close()
		if !s.textIndex {
			t.Fatal("no text index after migrating a current engine")
		}
		at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		notes := []string{"Card DECLINED by bank", "paid in full", "İnvalid pİn", "card swallowed? no: card declined"}
		var evs []event.Event
		for i := range 4096 { // four granules of 1024 rows
			note := "nothing to see"
			if i%1024 == 7 {
				note = notes[i/1024]
			}
			p := fmt.Sprintf(`{"n":%d,"note":%q}`, i, note)
			evs = append(evs, event.Event{EventID: fmt.Sprintf("e%04d", i), CorrelationID: fmt.Sprintf("f%04d", i), Type: "T",
				Topic: "t", Offset: int64(i), Time: at, KafkaTime: at, Payload: []byte(p), PayloadSize: len(p)})
		}
		if err := s.Write(t.Context(), evs); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string][]string{
			`"card declined"`: {"f3079", "f0007"},
			`"PAID IN"`:       {"f1031"},
			`"invalid pin"`:   {"f2055"},
			`"card eaten"`:    nil,
		} {
			fq, err := store.ParseQuery(q, at)
			if err != nil {
				t.Fatal(err)
			}
			page, err := s.Flows(t.Context(), fq)
			if err != nil {
				t.Fatal(err)
			}
			if got := flowIDsOf(page.Flows); !cmp.Equal(got, want) {
				t.Errorf("%s: %v, want %v", q, got, want)
			}
		}
		c, err := eventCond(store.Term{Field: store.FieldText, Value: "card declined"}, true)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := queryCol[string](t.Context(), s.conn, "EXPLAIN indexes = 1 SELECT count() FROM events WHERE "+c.sql, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, textIndexName) || !strings.Contains(text, "Granules: 2/4") {
			t.Errorf("the plan does not skip granules with %s:\n%s", textIndexName, text)
		}
	})
}
