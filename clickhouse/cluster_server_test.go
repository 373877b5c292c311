package clickhouse

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// envClusterDSN names a ClickHouse cluster (scripts/clickhouse-cluster
// start writes it): a DSN of one node with ?cluster=NAME.
const envClusterDSN = "EVENTSCOPE_TEST_CLICKHOUSE_CLUSTER"

// clusterBaseDSN returns the cluster's DSN; without one the test fails in
// CI (CI=true) and is skipped loudly elsewhere.
func clusterBaseDSN(t testing.TB) string {
	t.Helper()
	return testServer(t, envClusterDSN, "the ClickHouse cluster tests", "scripts/clickhouse-cluster start")
}

// freshClusterDSN returns the DSN of a new, randomly named database on the
// cluster, dropped on every node when the test ends.
func freshClusterDSN(t testing.TB) string {
	t.Helper()
	return freshDSNOn(t, clusterBaseDSN(t))
}

// TestClusterMigrate migrates a database on the cluster twice: the second
// run finds it current, every node has the local tables and the
// Distributed ones.
func TestClusterMigrate(t *testing.T) {
	dsn := freshClusterDSN(t)
	start := time.Now()
	if err := Migrate(t.Context(), dsn); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Logf("migrated in %v", time.Since(start))
	if err := Migrate(t.Context(), dsn); err != nil {
		t.Fatalf("migrate again: %v", err)
	}
	s, err := Open(t.Context(), dsn, Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
}

// TestClusterConformance runs the whole conformance suite on the
// cluster, each store in a database of its own. Migrating one takes ~2 s
// there (ZooKeeper round trips, not CPU), so a pool migrates databases
// ahead of the subtests that take them, a few at once, and drops them in
// the background: the suite then takes about as long as its tests.
// EVENTSCOPE_CLUSTER_CONFORMANCE (a -run like pattern of subtest names)
// runs a part of it.
func TestClusterConformance(t *testing.T) {
	base := clusterBaseDSN(t)
	var only *regexp.Regexp
	if p := os.Getenv("EVENTSCOPE_CLUSTER_CONFORMANCE"); p != "" {
		only = regexp.MustCompile(p)
	}
	pool := newDBPool(t, base, 3)
	storetest.Run(t, func(t *testing.T) store.Store {
		if only != nil && !only.MatchString(t.Name()) {
			t.Skipf("not in EVENTSCOPE_CLUSTER_CONFORMANCE=%s", only)
		}
		s, err := Open(t.Context(), pool.take(t), Options{})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return s
	})
}

// TestClusterRetention: retention lists the partitions of every shard and
// drops them on one replica of each shard, which waits for the others
// (replication_alter_partitions_sync=2); the reads are polled all the same.
func TestClusterRetention(t *testing.T) {
	s, _ := openMigratedOn(t, clusterBaseDSN(t), Options{})
	defer s.Close()
	evs := daysFixture()
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	n, err := s.DropOlderThan(t.Context(), evs[2].Time)
	if err != nil {
		t.Fatalf("DropOlderThan: %v", err)
	}
	if n < 2 {
		t.Errorf("dropped %d partitions, want those of 2 days", n)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		p, err := s.Flows(t.Context(), store.FlowQuery{})
		if err == nil && len(p.Flows) == len(evs)-2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Flows = %d flows, %v; want %d after retention", len(p.Flows), err, len(evs)-2)
		}
		time.Sleep(100 * time.Millisecond)
	}
	checkKept(t, s, evs, 2)
	if n, err := s.DropOlderThan(t.Context(), evs[2].Time); err != nil || n != 0 {
		t.Errorf("second DropOlderThan = %d, %v; want 0, nil", n, err)
	}
}
