package clickhouse

import (
	"strings"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

// TestParseDSN: the protocols, a password with URL delimiters given apart
// from the DSN (--clickhouse-password, as docker-compose.yml does), and
// the cluster parameter, which the server never sees; an insert quorum
// only with a cluster.
func TestParseDSN(t *testing.T) {
	const pw = "p@ss:w/rd?#%&="
	dsn, err := secureDSN("clickhouse://eventscope@ch:9000/es", store.Credentials{Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	o, err := parseDSNOptions(dsn)
	if err != nil {
		t.Fatalf("parse %q: %v", dsn, err)
	}
	if o.Auth.Password != pw || o.Auth.Username != "eventscope" || o.Auth.Database != "es" || o.Addr[0] != "ch:9000" {
		t.Errorf("got user %q password %q db %q addr %v from %q", o.Auth.Username, o.Auth.Password, o.Auth.Database, o.Addr, dsn)
	}
	for _, tc := range []struct {
		dsn      string
		protocol ch.Protocol
		tls      bool
		cluster  string
	}{
		{"clickhouse://ch:9000/es", ch.Native, false, ""},
		{"http://ch:8123/es", ch.HTTP, false, ""},
		{"https://ch:8443/es", ch.HTTP, true, ""},
		{"clickhouse://ch:9000/es?cluster=prod_1&dial_timeout=2s", ch.Native, false, "prod_1"},
	} {
		o, err := parseDSNOptions(tc.dsn)
		if err != nil {
			t.Errorf("parse %q: %v", tc.dsn, err)
			continue
		}
		if o.Protocol != tc.protocol || (o.TLS != nil) != tc.tls || o.cluster != tc.cluster {
			t.Errorf("%q: protocol %v tls %v cluster %q", tc.dsn, o.Protocol, o.TLS != nil, o.cluster)
		}
		if _, ok := o.Settings["cluster"]; ok {
			t.Errorf("%q: cluster sent to the server as a setting", tc.dsn)
		}
		if tc.cluster != "" && o.Settings["insert_distributed_sync"] != 1 {
			t.Errorf("%q: inserts through Distributed tables are not synchronous: %v", tc.dsn, o.Settings)
		}
	}
	q, err := secureDSN("clickhouse://ch:9000/es", store.Credentials{Cluster: "prod", InsertQuorum: 2})
	if err != nil {
		t.Fatal(err)
	}
	if o, err := parseDSNOptions(q); err != nil || o.Settings["insert_quorum"] != 2 || o.Settings["insert_quorum_timeout"] != 60000 {
		t.Errorf("parse %q: %v, settings %v; want insert_quorum 2 with a 60 s timeout", q, err, o.Settings)
	}
	for _, bad := range []string{"ftp://ch/es", "clickhouse://ch:9000/es?cluster=a-b", "clickhouse://ch:9000/bad-db",
		"clickhouse://ch:9000/es?insert_quorum=2"} {
		if _, err := parseDSNOptions(bad); err == nil {
			t.Errorf("parse %q: no error", bad)
		}
	}
}

// envCurrentDSN names a current ClickHouse engine reached over HTTP:
// scripts/chdb start (chDB behind scripts/chdb-http.py) writes it.
const envCurrentDSN = "EVENTSCOPE_TEST_CHDB"

// TestConformanceCurrent runs the conformance suite through the HTTP
// protocol against a current engine (chDB, ClickHouse 26.x): the SQL must
// stay portable to 18.16 and current releases, LowCardinality branch
// included.
func TestConformanceCurrent(t *testing.T) {
	t.Parallel() // beside the other tests: the engine is another process
	base := testServer(t, envCurrentDSN, "the current-engine conformance run", "scripts/chdb start")
	if !strings.HasPrefix(base, "http") {
		t.Fatalf("%s=%q: want an http:// DSN", envCurrentDSN, base)
	}
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openMigratedOn(t, base, Options{})
		return s
	})
}
