package clickhouse

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

func TestOpenErrors(t *testing.T) {
	// A port nobody listens on: bind one, then close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := l.Addr().String()
	l.Close()

	t.Run("Unreachable", func(t *testing.T) {
		start := time.Now()
		_, err := Open(t.Context(), "clickhouse://"+deadAddr+"/db?dial_timeout=2s", Options{})
		if !errors.Is(err, ErrUnreachable) {
			t.Fatalf("err = %v, want ErrUnreachable", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v to give up", d)
		}
	})
	t.Run("BadDSN", func(t *testing.T) {
		for _, dsn := range []string{"ftp://127.0.0.1:8123/db", "clickhouse://127.0.0.1:9000/bad-name", "::"} {
			if _, err := Open(t.Context(), dsn, Options{}); err == nil || errors.Is(err, ErrUnreachable) {
				t.Errorf("Open(%q) err = %v, want a DSN error", dsn, err)
			}
		}
	})
	t.Run("MissingDatabase", func(t *testing.T) {
		dsn := freshDSN(t)
		_, err := Open(t.Context(), dsn, Options{})
		if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "tracer migrate") {
			t.Fatalf("err = %v, want ErrNoDatabase suggesting tracer migrate", err)
		}
	})
	t.Run("NotMigrated", func(t *testing.T) {
		dsn, _ := emptyDatabase(t)
		_, err := Open(t.Context(), dsn, Options{})
		if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "tracer migrate") {
			t.Fatalf("err = %v, want ErrSchema suggesting tracer migrate", err)
		}
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	dsn := freshDSN(t)
	for i := range 3 {
		if err := Migrate(t.Context(), dsn); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
	}
	s, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	var versions, rows uint64
	if err := s.conn.QueryRow(t.Context(), "SELECT uniqExact(version), count() FROM schema_migrations FINAL").Scan(&versions, &rows); err != nil {
		t.Fatal(err)
	}
	if want := uint64(latestVersion()); versions != want || rows != want {
		t.Errorf("schema_migrations: %d versions in %d rows, want %d of each", versions, rows, want)
	}
}

// daysFixture is one flow per day for three days, each with a keyed event
// that is a failure (so every partitioned table has rows each day).
func daysFixture() []event.Event {
	day0 := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	var evs []event.Event
	for d := range 3 {
		id := fmt.Sprintf("day%d", d)
		e := storetest.MakeEvent("t", 0, int64(d), id, id, "", day0.AddDate(0, 0, d))
		e.Type = "DayFailed"
		evs = append(evs, e)
	}
	return evs
}

func TestDropOlderThan(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	evs := daysFixture()
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	var pos []store.Position // a consumer group's positions, one a day
	for i, e := range evs {
		pos = append(pos, store.Position{Group: "g", Topic: e.Topic, Partition: 0, Committed: int64(i), High: 3, At: e.Time})
	}
	if err := s.WritePositions(t.Context(), pos); err != nil {
		t.Fatal(err)
	}
	// Noon of day 2: day 0 and 1 are whole days before it, day 2 is not.
	n, err := s.DropOlderThan(t.Context(), evs[2].Time)
	if err != nil {
		t.Fatalf("DropOlderThan: %v", err)
	}
	if n != 2*len(partitionedTables) {
		t.Errorf("dropped %d partitions, want %d", n, 2*len(partitionedTables))
	}
	checkKept(t, s, evs, 2)
	if h, err := s.PositionHistory(t.Context(), "g", time.Time{}, evs[2].Time.Add(time.Hour)); err != nil || len(h) != 1 || h[0].Committed != 2 {
		t.Errorf("positions after retention = %+v, %v; want only day 2's", h, err)
	}
	if r, err := s.Records(t.Context(), []store.Coord{{Topic: "t", Offset: 0}, {Topic: "t", Offset: 2}}); err != nil || len(r) != 1 || r[0].Offset != 2 {
		t.Errorf("records after retention = %+v, %v; want only day 2's", r, err)
	}
	if n, err := s.DropOlderThan(t.Context(), evs[2].Time); err != nil || n != 0 {
		t.Errorf("second DropOlderThan = %d, %v; want 0, nil", n, err)
	}
}

// checkKept checks that only the flows of evs[from:] are left, in every view.
func checkKept(t *testing.T, s *Store, evs []event.Event, from int) {
	t.Helper()
	for i, e := range evs {
		_, ferr := s.Flow(t.Context(), e.CorrelationID)
		_, ierr := s.EventsByID(t.Context(), e.EventID)
		_, kerr := s.Resolve(t.Context(), e.Key)
		if i < from {
			for what, err := range map[string]error{"Flow": ferr, "EventsByID": ierr, "Resolve(key)": kerr} {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s of dropped %s: err = %v, want ErrNotFound", what, e.EventID, err)
				}
			}
		} else if ferr != nil || ierr != nil || kerr != nil {
			t.Errorf("kept %s: Flow %v, EventsByID %v, Resolve %v", e.EventID, ferr, ierr, kerr)
		}
	}
	p, err := s.Flows(t.Context(), store.FlowQuery{})
	if err != nil || len(p.Flows) != len(evs)-from {
		t.Errorf("Flows = %d flows, %v; want %d", len(p.Flows), err, len(evs)-from)
	}
}

func TestRetentionRunsAtOpen(t *testing.T) {
	dsn := freshDSN(t)
	if err := Migrate(t.Context(), dsn); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	evs := daysFixture()
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Keep two days back from now: every fixture day (in 2026-03) goes.
	s, err = Open(t.Context(), dsn, Options{Retention: 48 * time.Hour, RetentionEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		// flow_times is the last table retention drops from.
		p, err := s.Flows(t.Context(), store.FlowQuery{})
		if err == nil && len(p.Flows) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("retention did not drop the old days: %d flows left, %v", len(p.Flows), err)
		}
		time.Sleep(50 * time.Millisecond) // polling with a deadline
	}
	checkKept(t, s, evs, 3)
}

func TestReadsAreBounded(t *testing.T) {
	s, _ := openMigrated(t, Options{QueryTimeout: 1500 * time.Millisecond})
	defer s.Close()
	ctx, cancel := s.readCtx(t.Context())
	defer cancel()
	var v string
	if err := s.conn.QueryRow(ctx, "SELECT value FROM system.settings WHERE name = 'max_execution_time'").Scan(&v); err != nil {
		t.Fatal(err)
	}
	// clickhouse-go sets it from the deadline: 1.5 s + 5 s.
	if v != "6" {
		t.Errorf("max_execution_time = %q, want 6", v)
	}
	start := time.Now()
	err := s.conn.QueryRow(ctx, "SELECT count() FROM numbers(100000000000) WHERE sleepEachRow(0) = 0").Scan(new(uint64))
	if err == nil {
		t.Error("a 1e11-row scan finished within the query timeout")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the read gave up after %v, want about 1.5s", d)
	}
}

// TestRecentFlowsAcrossCenturies lists flows whose times the recent-flows
// window has to grow a long way to reach, the zero time included.
func TestRecentFlowsAcrossCenturies(t *testing.T) {
	s, _ := openMigrated(t, Options{})
	defer s.Close()
	times := []time.Time{
		{}, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, 0).UTC(),
		storetest.Base, storetest.Base.Add(time.Nanosecond), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var evs []event.Event
	for i, tm := range times {
		id := fmt.Sprintf("f%d", i)
		evs = append(evs, storetest.MakeEvent("t", 0, int64(i), id, id, "", tm))
	}
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 2, 10} {
		var got []string
		q := store.FlowQuery{Limit: limit}
		for {
			p, err := s.Flows(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range p.Flows {
				got = append(got, f.CorrelationID)
			}
			if p.NextCursor == "" {
				break
			}
			q.Cursor = p.NextCursor
		}
		if want := []string{"f5", "f4", "f3", "f2", "f1", "f0"}; !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v, want %v", limit, got, want)
		}
	}
}

func TestMigrationStatements(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != uint32(i+1) {
			t.Errorf("migration %s has version %d, want %d (numbered without gaps)", m.name, m.version, i+1)
		}
		for _, lc := range []bool{false, true} {
			for _, st := range m.statements(lc) {
				if strings.Contains(st, "{{") || strings.Contains(st, "--") || strings.HasSuffix(st, ";") {
					t.Errorf("%s (lowCardinality=%v): statement not cleaned: %q", m.name, lc, st)
				}
				if strings.Contains(st, "LowCardinality") != (lc && strings.Contains(m.sql, "{{LowCardinalityString}}") && strings.Contains(st, "CREATE TABLE")) {
					t.Errorf("%s (lowCardinality=%v): %q", m.name, lc, st)
				}
			}
		}
	}
}
