package clickhouse

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// On a cluster (?cluster=NAME, --clickhouse-cluster) the schema is the
// single server's, rewritten statement by statement as it is executed
// (clusterConn.Exec), so that migrations and the DDL in Go stay written
// for one server. The tracer sends each rewritten statement to the hosts
// of the cluster itself (system.clusters), not ON CLUSTER (cluster_hosts.go
// says why):
//
//   - CREATE TABLE t (...) ENGINE = XMergeTree(args) ... becomes t_local
//     with ReplicatedXMergeTree('/clickhouse/tables/{shard}/DB/t_local',
//     '{replica}', args), created on the shards at once, replica after
//     replica, and t, a Distributed table over the t_local of every shard
//     on every host, sharded by cityHash64(flow_id) when t has a flow_id
//     column (one flow lives on one shard), else by a hash of t's sorting
//     key (Null tables: of their first column), so rows of one key meet on
//     one shard and Replacing/Aggregating merges work. Null tables get a
//     local Null table on every host.
//   - CREATE MATERIALIZED VIEW v TO t AS SELECT ... FROM s, on every host,
//     reads s_local into t_local: each node's view feeds the local table
//     of its own shard, so the tables a view fills are sharded like its
//     source.
//   - ALTER TABLE t ... alters t_local on one replica of every shard (the
//     other replicas apply it from ZooKeeper; the rewrite waits until
//     every host has the same columns), or on every host for a Null
//     table; a column change also re-creates t over the new t_local.
//   - DROP/TRUNCATE/other CREATE statements run on every host, on both
//     tables (TRUNCATE of a replicated table on one replica per shard).
//
// Readers and writers keep the old names and go through the Distributed
// tables; writes are synchronous (insert_distributed_sync) so a Write that
// returns is on its shard, and every IN (SELECT ...) becomes GLOBAL IN: the
// subquery runs once, on the node queried, and its result goes to the
// shards (a plain IN over a Distributed table is refused, and "local" mode
// would be wrong for tables not sharded by flow). 18.16 takes only numbers
// as settings from the native protocol, so distributed_product_mode =
// 'global' is not an option.

// localSuffix names the replicated table under a Distributed one.
const localSuffix = "_local"

// clusterSettings sets what reads and writes through Distributed tables
// need, unless the DSN sets them.
func clusterSettings(o *ch.Options) {
	if _, ok := o.Settings["insert_distributed_sync"]; !ok {
		o.Settings["insert_distributed_sync"] = 1
	}
	// A quorum write waits for the other replicas for
	// insert_quorum_timeout, 10 minutes by default: a write that cannot
	// reach its quorum should fail (and be retried) sooner.
	if _, ok := o.Settings["insert_quorum"]; ok {
		if _, ok := o.Settings["insert_quorum_timeout"]; !ok {
			o.Settings["insert_quorum_timeout"] = 60000
		}
	}
}

// clusterTable is what the rewrite knows of a table created through it.
type clusterTable struct {
	shardKey   string
	replicated bool // false: a Null table
}

// hostSet names the hosts a rewritten statement runs on (cluster_hosts.go).
type hostSet int

const (
	// onAll: every host of the cluster at once (Distributed tables,
	// views, Null tables, databases).
	onAll hostSet = iota
	// onReplicas: the shards at once, the replicas of a shard one after
	// the other (creating or dropping a replicated table: 18.16 creating
	// the replicas of one table at once logged "Retrying createReplica(),
	// because some other replicas were created at the same time" and once
	// failed with "Replica … already exists").
	onReplicas
	// onShards: one replica of every shard, the shards at once (ALTER and
	// partition drops of a replicated table: the other replicas take the
	// change from the replication log); then every replica is waited for.
	onShards
)

// step is one statement of a rewrite and where it runs.
type step struct {
	sql   string
	hosts hostSet
	table string // onShards: the local table to wait for on every replica
}

// clusterDDL rewrites single-server DDL for a cluster.
type clusterDDL struct {
	cluster, db string
	tables      map[string]clusterTable
}

// newClusterDDL knows every table of the embedded migrations, so that an
// ALTER or DROP of a table created by an earlier run is rewritten too.
func newClusterDDL(cluster, db string) (*clusterDDL, error) {
	c := &clusterDDL{cluster: cluster, db: db, tables: map[string]clusterTable{}}
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		for _, st := range m.statements(false) {
			c.learn(st)
		}
	}
	c.learn(migrationsTable)
	return c, nil
}

var (
	createTableRE = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*)\)\s*ENGINE\s*=\s*(\w+)\s*(\(([^)]*)\))?(.*)$`)
	createViewRE  = regexp.MustCompile(`(?is)^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+TO\s+(\w+)\s+(.*)$`)
	createOtherRE = regexp.MustCompile(`(?is)^CREATE\s+(VIEW|DATABASE)\s+(IF\s+NOT\s+EXISTS\s+)?(\x60?\w+\x60?)(.*)$`)
	alterRE       = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(\w+)\s+(.*)$`)
	columnAlterRE = regexp.MustCompile(`(?i)^(ADD|DROP|MODIFY|RENAME|CLEAR|COMMENT)\s+COLUMN\b`)
	dropRE        = regexp.MustCompile(`(?is)^(DROP|TRUNCATE)\s+(TABLE|VIEW|DATABASE)\s+(IF\s+EXISTS\s+)?(\x60?\w+\x60?)\s*$`)
	sourceRE      = regexp.MustCompile(`(?i)\b(FROM|JOIN)\s+(\w+)\b`)
	flowIDColRE   = regexp.MustCompile(`(?m)(^|[(,])\s*flow_id\s+\w`)
	firstColRE    = regexp.MustCompile(`^\s*(\w+)\s`)
	inSelectRE    = regexp.MustCompile(`(?i)(\bGLOBAL\s+)?\b(NOT\s+)?IN\s*\(\s*SELECT\b`)
)

// globalIn turns every IN (SELECT ...) of a query into GLOBAL IN.
func globalIn(q string) string {
	return inSelectRE.ReplaceAllStringFunc(q, func(m string) string {
		p := inSelectRE.FindStringSubmatch(m)
		if p[1] != "" {
			return m
		}
		return "GLOBAL " + p[2] + "IN (SELECT"
	})
}

// learn records the table a CREATE TABLE statement makes.
func (c *clusterDDL) learn(st string) {
	m := createTableRE.FindStringSubmatch(strings.TrimSpace(st))
	if m == nil {
		return
	}
	c.tables[m[2]] = clusterTable{shardKey: shardKey(m[3], m[4], m[7]), replicated: strings.HasSuffix(m[4], "MergeTree")}
}

// shardKey chooses the sharding expression of a table from its columns,
// engine and the clauses after the engine.
func shardKey(columns, engine, rest string) string {
	if flowIDColRE.MatchString(columns) {
		return "cityHash64(flow_id)"
	}
	if key := orderBy(rest); key != "" && key != "tuple()" {
		return "cityHash64(" + strings.TrimSuffix(strings.TrimPrefix(key, "("), ")") + ")"
	}
	if m := firstColRE.FindStringSubmatch(columns); m != nil {
		return "cityHash64(" + m[1] + ")"
	}
	return "rand()"
}

// orderBy is the ORDER BY expression of a table's clauses ("" if none),
// with balanced parentheses.
func orderBy(rest string) string {
	i := strings.Index(strings.ToUpper(rest), "ORDER BY")
	if i < 0 {
		return ""
	}
	s := strings.TrimSpace(rest[i+len("ORDER BY"):])
	depth := 0
	for j, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case depth == 0 && (r == ' ' || r == '\n' || r == '\t'):
			return s[:j]
		}
	}
	return s
}

// q qualifies a table name with the database.
func (c *clusterDDL) q(name string) string { return "`" + c.db + "`." + name }

// distributed creates the Distributed table name over name_local.
func (c *clusterDDL) distributed(name string) step {
	local := name + localSuffix
	return step{sql: "CREATE TABLE IF NOT EXISTS " + c.q(name) + " AS " + c.q(local) +
		" ENGINE = Distributed(" + c.cluster + ", " + c.db + ", " + local + ", " + c.tables[name].shardKey + ")"}
}

// rewrite turns one single-server statement into the statements that do
// the same on the cluster, each run on the hosts it names (not ON CLUSTER:
// see clusterConn). nil for a statement that is not DDL.
func (c *clusterDDL) rewrite(st string) ([]step, error) {
	st = strings.TrimSpace(st)
	if m := createTableRE.FindStringSubmatch(st); m != nil {
		name, engine, args := m[2], m[4], m[6]
		c.learn(st)
		hosts := onAll
		switch {
		case strings.HasSuffix(engine, "MergeTree"):
			path := "'/clickhouse/tables/{shard}/" + c.db + "/" + name + localSuffix + "', '{replica}'"
			if strings.TrimSpace(args) != "" {
				path += ", " + args
			}
			engine, hosts = "Replicated"+engine+"("+path+")", onReplicas
		case engine == "Null":
		default:
			return nil, fmt.Errorf("cluster: table %s: engine %s has no replicated form", name, engine)
		}
		local := "CREATE TABLE IF NOT EXISTS " + c.q(name+localSuffix) + " (" + m[3] + ") ENGINE = " + engine + " " + m[7]
		return []step{{sql: local, hosts: hosts}, c.distributed(name)}, nil
	}
	if m := createViewRE.FindStringSubmatch(st); m != nil {
		body := sourceRE.ReplaceAllStringFunc(m[4], func(s string) string {
			p := sourceRE.FindStringSubmatch(s)
			if _, ok := c.tables[p[2]]; ok {
				return p[1] + " " + c.q(p[2]+localSuffix)
			}
			return s
		})
		return []step{{sql: "CREATE MATERIALIZED VIEW IF NOT EXISTS " + c.q(m[2]) + " TO " + c.local(m[3]) + " " + body}}, nil
	}
	if m := createOtherRE.FindStringSubmatch(st); m != nil {
		name := m[3]
		if strings.EqualFold(m[1], "VIEW") {
			name = c.q(name)
		}
		return []step{{sql: "CREATE " + m[1] + " " + m[2] + name + " " + strings.TrimSpace(m[4])}}, nil
	}
	if m := alterRE.FindStringSubmatch(st); m != nil {
		name, cmd := m[1], m[2]
		t, ok := c.tables[name]
		if !ok {
			return []step{{sql: "ALTER TABLE " + c.q(name) + " " + cmd}}, nil
		}
		out := []step{{sql: "ALTER TABLE " + c.local(name) + " " + cmd}}
		if t.replicated {
			out[0].hosts, out[0].table = onShards, name+localSuffix
		}
		if columnAlterRE.MatchString(cmd) {
			out = append(out, step{sql: "DROP TABLE IF EXISTS " + c.q(name)}, c.distributed(name))
		}
		return out, nil
	}
	if m := dropRE.FindStringSubmatch(st); m != nil {
		verb, kind, name := strings.ToUpper(m[1]), strings.ToUpper(m[2]), m[4]
		t, ok := c.tables[name]
		switch {
		case kind == "DATABASE":
			return []step{{sql: verb + " DATABASE " + m[3] + "`" + strings.Trim(name, "`") + "`"}}, nil
		case !ok:
			return []step{{sql: verb + " " + kind + " " + m[3] + c.q(name)}}, nil
		case verb == "TRUNCATE" && t.replicated:
			return []step{{sql: "TRUNCATE TABLE " + m[3] + c.local(name), hosts: onShards, table: name + localSuffix}}, nil
		case verb == "TRUNCATE":
			return []step{{sql: "TRUNCATE TABLE " + m[3] + c.local(name)}}, nil
		}
		local := step{sql: "DROP TABLE " + m[3] + c.local(name)}
		if t.replicated {
			local.hosts = onReplicas
		}
		return []step{{sql: "DROP TABLE " + m[3] + c.q(name)}, local}, nil
	}
	u := strings.ToUpper(st)
	for _, p := range []string{"CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME", "OPTIMIZE", "DETACH", "ATTACH"} {
		if strings.HasPrefix(u, p) {
			return nil, fmt.Errorf("cluster: no rewrite for %.60q", st)
		}
	}
	return nil, nil
}

// local names the replicated table under a known table, qualified.
func (c *clusterDDL) local(name string) string {
	if _, ok := c.tables[name]; ok {
		return c.q(name + localSuffix)
	}
	return c.q(name)
}

// alterCmd is the command of an ALTER TABLE statement ("" for others).
func alterCmd(st string) string {
	if m := alterRE.FindStringSubmatch(strings.TrimSpace(st)); m != nil {
		return m[2]
	}
	return ""
}

// columnDone tells an ALTER that failed because its column change is
// already made.
func columnDone(err error) bool {
	s := err.Error()
	return strings.Contains(s, "already exists") || strings.Contains(s, "Wrong column name") ||
		strings.Contains(s, "There is no column")
}

// onCluster wraps conn for the DSN's cluster (conn itself when none),
// after checking that the server knows the cluster.
func onCluster(ctx context.Context, conn driver.Conn, o dsnOptions) (driver.Conn, error) {
	if o.cluster == "" {
		return conn, nil
	}
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM system.clusters WHERE cluster = ?", o.cluster).Scan(&n); err != nil {
		return nil, fmt.Errorf("read system.clusters of %s: %w", where(o.Options), err)
	}
	if n == 0 {
		return nil, fmt.Errorf("cluster %q is not in the remote_servers of %s", o.cluster, where(o.Options))
	}
	ddl, err := newClusterDDL(o.cluster, o.Auth.Database)
	if err != nil {
		return nil, err
	}
	return &clusterConn{Conn: conn, ddl: ddl, opts: o.Options}, nil
}

// partsOf names where system.parts lists table's parts: the server's own
// system.parts, or on a cluster one replica of every shard's, listing the
// local table (the second result).
func (s *Store) partsOf(table string) (parts, name string) {
	if s.cluster == "" {
		return "system.parts", table
	}
	return "cluster('" + s.cluster + "', system, parts)", table + localSuffix
}
