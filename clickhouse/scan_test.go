package clickhouse

import (
	"fmt"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// budgetFlows writes n one-event flows f000 (oldest) ... with payload
// {"n":i}, but flow f000 has no n.
func budgetFlows(t *testing.T, s *Store, n int) {
	t.Helper()
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	evs := make([]event.Event, n)
	for i := range evs {
		p := fmt.Sprintf(`{"n":%d}`, i)
		if i == 0 {
			p = `{"m":0}`
		}
		at := base.Add(time.Duration(i) * time.Second)
		evs[i] = event.Event{EventID: fmt.Sprintf("e%03d", i), CorrelationID: fmt.Sprintf("f%03d", i), Type: "T",
			Topic: "t", Offset: int64(i), Time: at, KafkaTime: at, Payload: []byte(p), PayloadSize: len(p)}
	}
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
}

// TestPayloadSearchBudget: a payload search that has to look at every
// flow stops at its budget with what it found and a cursor from where it
// stopped (no error: no 5xx); going on from there finds the rest.
func TestPayloadSearchBudget(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	budgetFlows(t, s, 450)
	// every step of the search takes a second of this clock: the budget
	// of 1.5 s ends after the second chunk of payloadPage flows
	var tick time.Duration
	s.now = func() time.Time { tick += time.Second; return time.Unix(0, 0).Add(tick) }
	s.budget = 1500 * time.Millisecond
	q := store.FlowQuery{Terms: []store.Term{{Field: store.FieldPayload, Name: "n", Op: store.OpHas, Negate: true}}}
	page, err := s.Flows(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !page.ScanCut || len(page.Flows) != 0 || page.NextCursor == "" {
		t.Fatalf("cut search: scan_cut %v, %d flows, cursor %q; want cut, none, a cursor", page.ScanCut, len(page.Flows), page.NextCursor)
	}
	c, err := store.DecodeCursor(page.NextCursor)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("f%03d", 450-2*payloadPage); c.FlowID != want {
		t.Errorf("cut after flow %s, want %s (two chunks of %d)", c.FlowID, want, payloadPage)
	}
	q.Cursor = page.NextCursor
	page, err = s.Flows(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if page.ScanCut || len(page.Flows) != 1 || page.Flows[0].CorrelationID != "f000" {
		t.Errorf("going on: scan_cut %v, flows %v; want f000 only", page.ScanCut, flowIDsOf(page.Flows))
	}
}

// TestPayloadSearchBudgetInQuery: a budget spent inside a query (a scan
// that cannot finish in it) answers with no flow, the cut said, and no
// cursor (the scan got nowhere), not an error.
func TestPayloadSearchBudgetInQuery(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	budgetFlows(t, s, 10)
	s.budget = time.Nanosecond
	for _, term := range []store.Term{
		{Field: store.FieldText, Value: "n"},
		{Field: store.FieldPayload, Name: "n", Op: store.OpGT, Value: "3"},
	} {
		page, err := s.Flows(t.Context(), store.FlowQuery{Terms: []store.Term{term}})
		if err != nil {
			t.Fatalf("%v: %v", term, err)
		}
		if !page.ScanCut || len(page.Flows) != 0 || page.NextCursor != "" {
			t.Errorf("%v: scan_cut %v, %d flows, cursor %q; want cut, none, no cursor", term, page.ScanCut, len(page.Flows), page.NextCursor)
		}
	}
	// without a payload term there is no budget
	page, err := s.Flows(t.Context(), store.FlowQuery{Terms: []store.Term{{Field: store.FieldType, Value: "T"}}})
	if err != nil || page.ScanCut || len(page.Flows) == 0 {
		t.Errorf("type:T: %v, scan_cut %v, %d flows", err, page.ScanCut, len(page.Flows))
	}
}

func flowIDsOf(fs []store.FlowSummary) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.CorrelationID)
	}
	return ids
}
