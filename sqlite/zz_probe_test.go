package sqlite

import (
	"os"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

func TestZZProbe(t *testing.T) {
	path := os.Getenv("PROBE_DB")
	if path == "" {
		t.Skip()
	}
	s, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []store.FlowQuery{
		{},
		{Terms: []store.Term{{Field: store.FieldKey, Value: "flow-00012345"}}},
		{Terms: []store.Term{{Field: store.FieldKey, Value: "flow-0001234", Prefix: true}}},
		{Terms: []store.Term{{Field: store.FieldType, Value: "Nope"}}},
		{Terms: []store.Term{{Field: store.FieldText, Value: "pizza-36\""}}},
		{Terms: []store.Term{{Field: store.FieldText, Value: "nope"}}},
		{Terms: []store.Term{{Field: store.FieldHeader, Name: "ce_id", Value: "flow-00012345-3"}}},
		{Terms: []store.Term{{Field: store.FieldAnomaly, Value: "orphan"}}},
		{From: benchBase.Add(1000 * time.Second), To: benchBase.Add(1010 * time.Second)},
	} {
		start := time.Now()
		p, err := s.Flows(t.Context(), q)
		t.Logf("%v: %d flows in %v (err %v)", q.Terms, len(p.Flows), time.Since(start), err)
	}
	start := time.Now()
	st, _ := s.Stats(t.Context())
	t.Logf("stats %d events %d flows in %v", st.Events, st.Flows, time.Since(start))
}
