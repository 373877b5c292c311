package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// envDSN names the server the tests use: a DSN of any database on it
// (scripts/clickhouse start writes one). Each test makes its own database.
const envDSN = "EVENTSCOPE_TEST_CLICKHOUSE"

// serverDSN returns the test server's DSN; without one the test fails in
// CI (CI=true) and is skipped loudly elsewhere.
func serverDSN(t testing.TB) string {
	t.Helper()
	return testServer(t, envDSN, "the ClickHouse tests", "scripts/clickhouse start")
}

// testServer returns the DSN in env; without one the test fails in CI
// (CI=true) and is skipped loudly elsewhere, saying which script starts it.
func testServer(t testing.TB, env, what, script string) string {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		msg := env + " is not set: SKIPPING " + what + ". Start it with `" + script + "` and export the lines it prints."
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// freshDSN returns the DSN of a new, randomly named database on the test
// server, dropped when the test ends.
func freshDSN(t testing.TB) string {
	t.Helper()
	return freshDSNOn(t, serverDSN(t))
}

// freshDSNOn is freshDSN on the server of base.
func freshDSNOn(t testing.TB, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse test DSN: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	db := "eventscope_test_" + hex.EncodeToString(b)
	u.Path = "/" + db
	dsn := u.String()
	t.Cleanup(func() { dropDatabase(t, dsn, db) })
	return dsn
}

// dropDatabase drops db (on every host when the DSN names a cluster).
func dropDatabase(t testing.TB, dsn, db string) {
	o, err := parseDSNOptions(dsn)
	if err != nil {
		t.Errorf("drop test database: %v", err)
		return
	}
	o.Auth.Database = "default"
	raw, err := ch.Open(o.Options)
	if err != nil {
		t.Errorf("drop test database: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := onCluster(ctx, raw, o)
	if err != nil {
		raw.Close()
		t.Errorf("drop test database: %v", err)
		return
	}
	defer conn.Close()
	if err := conn.Exec(ctx, "DROP DATABASE IF EXISTS `"+db+"`"); err != nil {
		t.Errorf("drop test database %s: %v", db, err)
	}
}

// openMigrated opens a store on a fresh, migrated database; the caller
// closes it.
func openMigrated(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	return openMigratedOn(t, serverDSN(t), opts)
}

// openMigratedOn is openMigrated on the server (or cluster) of base.
func openMigratedOn(t testing.TB, base string, opts Options) (*Store, string) {
	t.Helper()
	dsn := freshDSNOn(t, base)
	if err := Migrate(t.Context(), dsn); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	s, err := Open(t.Context(), dsn, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s, dsn
}

func TestConformance(t *testing.T) {
	serverDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openMigrated(t, Options{})
		return s
	})
}

// emptyDatabase creates a new database with no tables on the test server
// (dropped when the test ends) and returns its DSN and a connection to it,
// for tests that run migrations by hand.
func emptyDatabase(t testing.TB) (string, ch.Conn) {
	t.Helper()
	dsn := freshDSN(t)
	o, err := parseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin := *o
	admin.Auth.Database = "default"
	if err := mustConn(t, &admin).Exec(t.Context(), "CREATE DATABASE `"+o.Auth.Database+"`"); err != nil {
		t.Fatal(err)
	}
	return dsn, mustConn(t, o)
}

func mustConn(t testing.TB, o *ch.Options) ch.Conn {
	t.Helper()
	conn, err := ch.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
