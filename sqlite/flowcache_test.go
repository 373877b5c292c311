package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
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

// TestFlowCacheMatchesDatabase writes and rewrites records from two
// goroutines at once (ingest and the schema reindexer do), then checks
// that every flow the cache holds has exactly the records the events
// table has for it.
func TestFlowCacheMatchesDatabase(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir()+"/events.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs := uuidEvents(6000)
	if err := s.Write(ctx, evs[:1000]); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 1000; i < len(evs); i += 250 {
			if err := s.Write(ctx, evs[i:i+250]); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 1000; i += 10 {
		n := evs[i]
		n.CorrelationID = evs[1000+i*5%5000].CorrelationID // a flow being written
		if err := s.Rewrite(ctx, []store.Rewrite{{Old: evs[i], New: n}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if len(s.cache.flows) == 0 {
		t.Fatal("the cache holds no flow")
	}
	for id, el := range s.cache.flows {
		cf := el.Value.(*cachedFlow)
		var want []string
		rows, err := s.w.QueryContext(ctx, `SELECT topic, part, kafka_offset FROM events
			WHERE flow_id = ? AND internal = 0 ORDER BY time, topic, part, kafka_offset`, id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var topic string
			var part int32
			var off int64
			if err := rows.Scan(&topic, &part, &off); err != nil {
				t.Fatal(err)
			}
			want = append(want, event.Coordinates(topic, part, off))
		}
		rows.Close()
		var got []string
		for _, st := range cf.steps {
			got = append(got, st.Where)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("flow %s: cache holds %v, the events table %v", id, got, want)
		}
		if cf.sum.count != int64(len(want)) {
			t.Fatalf("flow %s: cached count %d, %d records", id, cf.sum.count, len(want))
		}
	}
}
