package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/store"
)

// TestFlowCacheSameSummaries writes the same records, in batches, and
// rewrites some, in a store using the flow cache and in one with it off
// (each write reads its flows' rows and records back): the flows tables
// must be equal, diagnosis included.
func TestFlowCacheSameSummaries(t *testing.T) {
	ctx := context.Background()
	evs := uuidEvents(12_000)
	// Late records of flows that left the cache, and redeliveries.
	evs = append(evs, evs[100:400]...)
	cached, err := OpenDSN(ctx, MemoryDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cached.Close()
	uncached, err := OpenDSN(ctx, MemoryDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer uncached.Close()
	uncached.cache.off = true
	for i := 0; i < len(evs); i += 700 {
		batch := evs[i:min(i+700, len(evs))]
		if err := cached.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := uncached.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	// Records moved to other flows (as a schema found late does), then
	// more records of the flows they left and joined.
	var rs []store.Rewrite
	for i := 2000; i < 2300; i += 3 {
		n := evs[i]
		n.CorrelationID = evs[i+5000].CorrelationID
		rs = append(rs, store.Rewrite{Old: evs[i], New: n})
	}
	more := uuidEvents(600)
	for i := range more {
		more[i].CorrelationID, more[i].Topic = evs[2000+i%300].CorrelationID, "later"
	}
	for _, s := range []*Store{cached, uncached} {
		if err := s.Rewrite(ctx, rs); err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, more); err != nil {
			t.Fatal(err)
		}
	}
	if cached.cache.steps == 0 || cached.cache.steps > cacheSteps {
		t.Fatalf("cache holds %d steps, want 1..%d", cached.cache.steps, cacheSteps)
	}
	got, want := dumpFlows(t, cached.w), dumpFlows(t, uncached.w)
	if len(want) < 500 {
		t.Fatalf("only %d flows written", len(want))
	}
	if len(got) != len(want) {
		t.Fatalf("%d flows with the cache, %d without", len(got), len(want))
	}
	kinds := 0 // flows with an anomaly or not ok
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("flow row %d differs:\n cached   %s\n uncached %s", i, got[i], want[i])
		}
		if cols := strings.Split(want[i], "|"); cols[11] != "0" || cols[12] != "ok" {
			kinds++
		}
	}
	if kinds == 0 {
		t.Fatal("no flow with an anomaly or failure: the comparison checks too little")
	}
}

func dumpFlows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT flow_id, first_time, last_time, event_count, hex(services), hex(types), hex(topics),
		duplicates, orphans, out_of_order, dead_letters, kinds, status, reason, failed_type, stall_at FROM flows ORDER BY flow_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		v := make([]any, 16)
		p := make([]any, 16)
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		cols := make([]string, len(v))
		for i, x := range v {
			cols[i] = fmt.Sprint(x)
		}
		out = append(out, strings.Join(cols, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
