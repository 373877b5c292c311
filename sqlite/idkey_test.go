package sqlite

import (
	"slices"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// TestIDMatch checks the event-ID key conditions against strings.HasPrefix
// and ==, for IDs shorter and longer than the key's 4 head bytes and at
// the ends of the byte range.
func TestIDMatch(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir()+"/ids.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := []string{"a", "ab", "abc", "abcd", "abcde", "abce", "abd", "b", "\xff\xff\xff\xff", "\xff\xff\xff\xffz", "\xff", "zz\x00"}
	evs := make([]event.Event, len(ids))
	for i, id := range ids {
		evs[i] = event.Event{EventID: id, CorrelationID: "flow-" + id, Topic: "t", Offset: int64(i)}
	}
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	values := append(slices.Clone(ids), "", "abc\xff", "x", "\xff\xff\xff\xff\xff")
	for _, v := range values {
		for _, prefix := range []bool{false, true} {
			c, args := idMatch(store.Term{Field: store.FieldID, Value: v, Prefix: prefix})
			rows, err := s.r.QueryContext(t.Context(), `SELECT event_id FROM events WHERE `+c+` ORDER BY event_id`, args...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				got = append(got, id)
			}
			rows.Close()
			var want []string
			for _, id := range ids {
				if id == v || prefix && strings.HasPrefix(id, v) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("id %q prefix %v: got %q, want %q", v, prefix, got, want)
			}
		}
	}
}
