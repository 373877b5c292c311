// Package clustertest gives tests the ClickHouse cluster of
// scripts/clickhouse-cluster (ZooKeeper + 2 shards x 2 replicas on
// 127.0.0.1) and kills and restarts its nodes.
//
// `scripts/clickhouse-cluster start` writes the environment [Env] reads.
// Without it a test fails when CI=true and is skipped (loudly) elsewhere.
package clustertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The variables scripts/clickhouse-cluster start writes.
const (
	// EnvDSN is a DSN of one node with ?cluster=NAME.
	EnvDSN = "EVENTSCOPE_TEST_CLICKHOUSE_CLUSTER"
	// EnvNodes lists every node's DSN, comma-separated, in the order of
	// Nodes.
	EnvNodes = "EVENTSCOPE_TEST_CLICKHOUSE_CLUSTER_NODES"
	// EnvDir is the cluster's folder (node N's pid in DIR/N/pid).
	EnvDir = "EVENTSCOPE_TEST_CLICKHOUSE_CLUSTER_DIR"
)

// Nodes are the nodes' names: shard 1 replicas 1 and 2, then shard 2.
var Nodes = []string{"s1r1", "s1r2", "s2r1", "s2r2"}

// Env returns the cluster's DSN, its nodes' DSNs (in the order of Nodes)
// and its folder.
func Env(t testing.TB) (dsn string, nodes []string, dir string) {
	t.Helper()
	dsn, dir = os.Getenv(EnvDSN), os.Getenv(EnvDir)
	nodes = strings.Split(os.Getenv(EnvNodes), ",")
	if dsn == "" || dir == "" || len(nodes) != len(Nodes) {
		msg := EnvDSN + "(_NODES, _DIR) not set: SKIPPING the ClickHouse cluster tests. Start it with `scripts/clickhouse-cluster start` and export the lines it prints."
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn, nodes, dir
}

// Kill kills node (one of Nodes) with SIGKILL.
func Kill(t testing.TB, dir, node string) {
	t.Helper()
	file := filepath.Join(dir, node, "pid")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill clickhouse %s (%d): %v", node, pid, err)
	}
}

// Restart starts the nodes that are down (scripts/clickhouse-cluster
// start: same ports, same data) and waits until they answer.
func Restart(t testing.TB) {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	script := filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "scripts", "clickhouse-cluster")
	if out, err := exec.Command(script, "start").CombinedOutput(); err != nil {
		t.Fatalf("scripts/clickhouse-cluster start: %v\n%s", err, out)
	}
}
