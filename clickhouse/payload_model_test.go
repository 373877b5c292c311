package clickhouse

import (
	"fmt"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// modelSnapshot reads the payload field read model merged, in one order.
func modelSnapshot(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT concat(path, ' ', flow_id, ' ', toString(minMerge(lo)), ' ', toString(maxMerge(hi))) AS r FROM payload_paths GROUP BY path, flow_id ORDER BY r`,
		`SELECT concat(path, ' ', toString(minMerge(lo)), ' ', toString(maxMerge(hi)), ' ', toString(uniqMerge(flows))) AS r FROM payload_path_days GROUP BY path ORDER BY r`,
		`SELECT DISTINCT concat(path, ' ', value, ' ', flow_id) AS r FROM payload_values ORDER BY r`,
	} {
		rows, err := queryCol[string](t.Context(), s.conn, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, "--"), rows...)
	}
	return out
}

func modelEvents() []event.Event {
	base := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	payloads := []string{
		`{"amount":12.5,"customer":{"id":"cus-1"},"items":[{"sku":"A-1","qty":2},{"sku":"B-2","qty":"7"}]}`,
		`{"amount":"900","customer":{"id":"cus-2"},"refund":null}`,
		`{"amount":-3,"note":"café"}`,
		`not json`,
	}
	var evs []event.Event
	for i := range 12 {
		p := payloads[i%len(payloads)]
		at := base.Add(time.Duration(i) * 5 * time.Hour) // over three days
		evs = append(evs, event.Event{EventID: fmt.Sprintf("e%d", i), CorrelationID: fmt.Sprintf("f%d", i%5), Type: "T",
			Topic: "t", Offset: int64(i), Time: at, KafkaTime: at, Payload: []byte(p), PayloadSize: len(p)})
	}
	return evs
}

// TestPayloadModel: Write fills the read model with each flow's paths,
// numeric bounds (numbers and numeric strings, through arrays) and
// values; the backfill, run on the events alone (twice: idempotent),
// builds the same.
func TestPayloadModel(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	evs := modelEvents()
	for i := 0; i < len(evs); i += 5 {
		if err := s.Write(t.Context(), evs[i:min(i+5, len(evs))]); err != nil {
			t.Fatal(err)
		}
	}
	want := modelSnapshot(t, s)
	var lo, hi float64
	if err := s.conn.QueryRow(t.Context(), "SELECT minMerge(lo), maxMerge(hi) FROM payload_paths WHERE path = 'items.qty'").Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}
	if lo != 2 || hi != 7 {
		t.Errorf("items.qty bounds %v..%v, want 2..7 (a number and a numeric string through an array)", lo, hi)
	}
	if err := s.conn.QueryRow(t.Context(), "SELECT minMerge(lo), maxMerge(hi) FROM payload_paths WHERE path = 'customer.id'").Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(lo, 1) || !math.IsInf(hi, -1) {
		t.Errorf("customer.id bounds %v..%v, want none (+inf..-inf)", lo, hi)
	}
	var n uint64
	if err := s.conn.QueryRow(t.Context(), "SELECT count() FROM payload_values WHERE path = 'customer.id' AND value = ?",
		"cus-2").Scan(&n); err != nil || n == 0 {
		t.Errorf("customer.id cus-2 not in payload_values (%d, %v)", n, err)
	}
	for _, table := range []string{"payload_paths", "payload_path_days", "payload_values"} {
		if err := s.conn.Exec(t.Context(), "TRUNCATE TABLE "+table); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := s.conn.Exec(t.Context(), "TRUNCATE TABLE backfill_done"); err != nil {
			t.Fatal(err)
		}
		if err := backfillPayloadFields(t.Context(), s.conn, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		if got := modelSnapshot(t, s); !cmp.Equal(got, want) {
			t.Fatalf("after the backfill (-Write +backfill):\n%s", cmp.Diff(want, got))
		}
	}
	// a backfill that finds every partition done does nothing
	if err := s.conn.Exec(t.Context(), "TRUNCATE TABLE payload_values"); err != nil {
		t.Fatal(err)
	}
	if err := backfillPayloadFields(t.Context(), s.conn, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := s.conn.QueryRow(t.Context(), "SELECT count() FROM payload_values").Scan(&n); err != nil || n != 0 {
		t.Errorf("a finished backfill ran again: %d rows, %v", n, err)
	}
}

// TestPayloadAbsent: the read model answers a field, a value or a range
// no flow has, and lets through what some flow has.
func TestPayloadAbsent(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	if err := s.Write(t.Context(), modelEvents()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		term   string
		absent bool
	}{
		{"has:payload.refund", false}, {"has:payload.nope", true}, {"payload.customer.id:cus-2", false},
		{"payload.customer.id:cus-3", true}, {"payload.customer.id:cus-*", false}, {"payload.amount>=900", false},
		{"payload.amount>900", true}, {"payload.amount<-3", true}, {"payload.amount<=-3", false},
		{"payload.refund:null", false}, {"payload.note:café", false},
	} {
		q, err := store.ParseQuery(c.term, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := s.payloadAbsent(t.Context(), q.Terms[0])
		if err != nil || got != c.absent {
			t.Errorf("%s: absent %v (%v), want %v", c.term, got, err, c.absent)
		}
	}
}
