package sqlite

import (
	"os"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
)

// TestSearchCosts times one query of each search kind over the benchmark
// store in EVENTSCOPE_BENCH_DB (loaded by the benchmarks; skipped without
// it) and checks what each finds. It documents which searches use an index
// or the summary and which scan: run it with -v after a 1M-event load.
func TestSearchCosts(t *testing.T) {
	path := os.Getenv("EVENTSCOPE_BENCH_DB")
	if path == "" {
		t.Skip("EVENTSCOPE_BENCH_DB not set: no benchmark store to time searches on")
	}
	s, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	term := func(f store.Field, v string, prefix bool) []store.Term {
		return []store.Term{{Field: f, Value: v, Prefix: prefix}}
	}
	tests := []struct {
		name string
		q    store.FlowQuery
		want int // flows on the first page
	}{
		{"recent flows", store.FlowQuery{}, 50},
		{"id (event ID, index)", store.FlowQuery{Terms: term(store.FieldID, "flow-00000123-4", false)}, 1},
		{"key (index)", store.FlowQuery{Terms: term(store.FieldKey, "flow-00000123", false)}, 1},
		{"key prefix (index)", store.FlowQuery{Terms: term(store.FieldKey, "flow-0000012", true)}, 10},
		{"common type (summary)", store.FlowQuery{Terms: term(store.FieldType, "Type3", false)}, 50},
		{"absent type (summary, all flows)", store.FlowQuery{Terms: term(store.FieldType, "Nope", false)}, 0},
		{"absent anomaly (summary, all flows)", store.FlowQuery{Terms: term(store.FieldAnomaly, store.AnomalyOrphan, false)}, 0},
		{"common text (Go scan, stops early)", store.FlowQuery{Terms: term(store.FieldText, `"qty":2`, false)}, 50},
		{"absent text (Go scan of every payload)", store.FlowQuery{Terms: term(store.FieldText, "nope", false)}, 0},
		{"short text (Go scan of every payload)", store.FlowQuery{Terms: term(store.FieldText, "ææ", false)}, 0},
		{"common field (decode, stops early)", store.FlowQuery{Terms: []store.Term{{Field: store.FieldPayload, Name: "items.qty", Value: "2"}}}, 50},
		{"field compare (decode, stops early)", store.FlowQuery{Terms: []store.Term{{Field: store.FieldPayload, Name: "items.qty", Op: store.OpGT, Value: "1"}}}, 50},
		{"absent field (instr of every payload)", store.FlowQuery{Terms: []store.Term{{Field: store.FieldPayload, Name: "nope", Op: store.OpHas}}}, 0},
		{"absent value of a common field (decode every payload)", store.FlowQuery{Terms: []store.Term{{Field: store.FieldPayload, Name: "items.qty", Op: store.OpGT, Value: "1e9"}}}, 0},
		{"rare header (scan of every event)", store.FlowQuery{Terms: []store.Term{{Field: store.FieldHeader, Name: "ce_id", Value: "flow-00000123-4"}}}, 1},
		{"10 s window (time index)", store.FlowQuery{From: benchBase.Add(100 * time.Second), To: benchBase.Add(110 * time.Second)}, 50},
		{"100 s old window (flow by flow)", store.FlowQuery{From: benchBase.Add(100 * time.Second), To: benchBase.Add(200 * time.Second)}, 50},
		{"990 s window (flow by flow)", store.FlowQuery{From: benchBase.Add(5 * time.Second), To: benchBase.Add(995 * time.Second)}, 50},
		{"from only (summary)", store.FlowQuery{From: benchBase.Add(100 * time.Second)}, 50},
		{"to only (summary)", store.FlowQuery{To: benchBase.Add(100 * time.Second)}, 50},
	}
	for _, tt := range tests {
		start := time.Now()
		p, err := s.Flows(t.Context(), tt.q)
		d := time.Since(start)
		if err != nil || len(p.Flows) != tt.want {
			t.Errorf("%s: %d flows, %v; want %d", tt.name, len(p.Flows), err, tt.want)
		}
		t.Logf("%-40s %4d flows in %v", tt.name, len(p.Flows), d.Round(time.Microsecond))
	}
}
