package clickhouse

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// On a cluster (?cluster=NAME, --clickhouse-cluster) the schema is the
// single server's, rewritten statement by statement as it is executed
// (clusterConn.Exec), so that migrations and the DDL in Go stay written
// for one server:
//
//   - CREATE TABLE t (...) ENGINE = XMergeTree(args) ... becomes t_local,
//     created on every host in turn (see rewrite) with ReplicatedXMergeTree('/clickhouse/tables/
//     {shard}/DB/t_local', '{replica}', args), and t, a Distributed table
//     over the t_local of every shard, sharded by cityHash64(flow_id) when
//     t has a flow_id column (one flow lives on one shard), else by a hash
//     of t's sorting key (Null tables: of their first column), so rows of
//     one key meet on one shard and Replacing/Aggregating merges work.
//     Null tables get a local Null table the same way.
//   - CREATE MATERIALIZED VIEW v TO t AS SELECT ... FROM s runs ON CLUSTER
//     from s_local into t_local: each node's view feeds the local table of
//     its own shard, so the tables a view fills are sharded like its source.
//   - ALTER TABLE t ... alters t_local ON CLUSTER; a column change also
//     re-creates t over the new t_local.
//   - DROP/TRUNCATE/other CREATE statements run ON CLUSTER, on both tables.
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
}

// clusterTable is what the rewrite knows of a table created through it.
type clusterTable struct {
	shardKey   string
	replicated bool // false: a Null table
}

// eachHost marks a rewritten statement that runs on every host of the
// cluster one by one: 18.16 refuses ALTER ON CLUSTER of a table that is not
// replicated on a cluster with internal_replication (code 371), and a Null
// table has nothing to replicate.
const eachHost = "/* each host */ "

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
	dropRE        = regexp.MustCompile(`(?is)^(DROP|TRUNCATE)\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?(\w+)\s*$`)
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

func (c *clusterDDL) on() string { return " ON CLUSTER " + c.cluster + " " }

// distributed creates the Distributed table name over name_local.
func (c *clusterDDL) distributed(name string) string {
	local := name + localSuffix
	return "CREATE TABLE IF NOT EXISTS " + c.q(name) + c.on() + "AS " + c.q(local) +
		" ENGINE = Distributed(" + c.cluster + ", " + c.db + ", " + local + ", " + c.tables[name].shardKey + ")"
}

// rewrite turns one single-server statement into the statements that do
// the same on the cluster. Statements that are not DDL are returned as
// they are.
func (c *clusterDDL) rewrite(st string) ([]string, error) {
	st = strings.TrimSpace(st)
	if m := createTableRE.FindStringSubmatch(st); m != nil {
		name, engine, args := m[2], m[4], m[6]
		c.learn(st)
		switch {
		case strings.HasSuffix(engine, "MergeTree"):
			path := "'/clickhouse/tables/{shard}/" + c.db + "/" + name + localSuffix + "', '{replica}'"
			if strings.TrimSpace(args) != "" {
				path += ", " + args
			}
			engine = "Replicated" + engine + "(" + path + ")"
		case engine == "Null":
		default:
			return nil, fmt.Errorf("cluster: table %s: engine %s has no replicated form", name, engine)
		}
		// Host by host, not ON CLUSTER: 18.16 creating the replicas of one
		// table at once ("Retrying createReplica(), because some other
		// replicas were created at the same time") once failed with
		// "Replica … already exists" and left the table missing on a host.
		local := eachHost + "CREATE TABLE IF NOT EXISTS " + c.q(name+localSuffix) + " (" + m[3] + ") ENGINE = " + engine + " " + m[7]
		return []string{local, c.distributed(name)}, nil
	}
	if m := createViewRE.FindStringSubmatch(st); m != nil {
		body := sourceRE.ReplaceAllStringFunc(m[4], func(s string) string {
			p := sourceRE.FindStringSubmatch(s)
			if _, ok := c.tables[p[2]]; ok {
				return p[1] + " " + c.q(p[2]+localSuffix)
			}
			return s
		})
		return []string{"CREATE MATERIALIZED VIEW IF NOT EXISTS " + c.q(m[2]) + c.on() + "TO " + c.local(m[3]) + " " + body}, nil
	}
	if m := createOtherRE.FindStringSubmatch(st); m != nil {
		name := m[3]
		if strings.EqualFold(m[1], "VIEW") {
			name = c.q(name)
		}
		return []string{"CREATE " + m[1] + " " + m[2] + name + c.on() + strings.TrimSpace(m[4])}, nil
	}
	if m := alterRE.FindStringSubmatch(st); m != nil {
		name, cmd := m[1], m[2]
		if _, ok := c.tables[name]; !ok {
			return []string{"ALTER TABLE " + c.q(name) + c.on() + cmd}, nil
		}
		out := []string{"ALTER TABLE " + c.local(name) + c.on() + cmd}
		if !c.tables[name].replicated {
			out[0] = eachHost + "ALTER TABLE " + c.local(name) + " " + cmd
		}
		if columnAlterRE.MatchString(cmd) {
			out = append(out, "DROP TABLE IF EXISTS "+c.q(name)+c.on(), c.distributed(name))
		}
		return out, nil
	}
	if m := dropRE.FindStringSubmatch(st); m != nil {
		verb, kind, name := strings.ToUpper(m[1]), strings.ToUpper(m[2]), m[4]
		if _, ok := c.tables[name]; !ok {
			return []string{verb + " " + kind + " " + m[3] + c.q(name) + c.on()}, nil
		}
		if verb == "TRUNCATE" {
			return []string{"TRUNCATE TABLE " + m[3] + c.local(name) + c.on()}, nil
		}
		return []string{"DROP TABLE " + m[3] + c.q(name) + c.on(), "DROP TABLE " + m[3] + c.local(name) + c.on()}, nil
	}
	u := strings.ToUpper(st)
	for _, p := range []string{"CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME", "OPTIMIZE"} {
		if strings.HasPrefix(u, p) {
			return nil, fmt.Errorf("cluster: no rewrite for %.60q", st)
		}
	}
	return []string{st}, nil
}

// local names the replicated table under a known table, qualified.
func (c *clusterDDL) local(name string) string {
	if _, ok := c.tables[name]; ok {
		return c.q(name + localSuffix)
	}
	return c.q(name)
}

// clusterConn runs DDL through clusterDDL; everything else goes to the
// connection as it is.
type clusterConn struct {
	driver.Conn
	ddl  *clusterDDL
	opts *ch.Options // to reach each host (onEachHost)
}

// Exec rewrites st for the cluster and runs the statements in turn. A
// column that a repeated migration adds again (or drops again) is not an
// error: the first run did it on every shard.
func (c clusterConn) Exec(ctx context.Context, st string, args ...any) error {
	sts, err := c.ddl.rewrite(st)
	if err != nil {
		return err
	}
	if len(sts) == 1 && sts[0] == strings.TrimSpace(st) { // not DDL
		return c.Conn.Exec(ctx, globalIn(st), args...)
	}
	for _, s := range sts {
		var err error
		if h, ok := strings.CutPrefix(s, eachHost); ok {
			err = c.onEachHost(ctx, h, args...)
		} else {
			err = c.Conn.Exec(ctx, s, args...)
		}
		if err != nil {
			if columnAlterRE.MatchString(alterCmd(st)) && columnDone(err) {
				continue
			}
			return err
		}
	}
	return nil
}

// onEachHost runs st on every host of the cluster, connecting to each with
// the connection's options.
func (c clusterConn) onEachHost(ctx context.Context, st string, args ...any) error {
	rows, err := c.Conn.Query(ctx, "SELECT DISTINCT host_address, port FROM system.clusters WHERE cluster = ?", c.ddl.cluster)
	if err != nil {
		return fmt.Errorf("list the hosts of cluster %s: %w", c.ddl.cluster, err)
	}
	var addrs []string
	for rows.Next() {
		var host string
		var port uint16
		if err := rows.Scan(&host, &port); err != nil {
			rows.Close()
			return err
		}
		addrs = append(addrs, net.JoinHostPort(host, strconv.Itoa(int(port))))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range addrs {
		o := *c.opts
		o.Addr = []string{a}
		conn, err := ch.Open(&o)
		if err != nil {
			return fmt.Errorf("open %s: %w", a, err)
		}
		err = conn.Exec(ctx, st, args...)
		conn.Close()
		if err != nil && !(columnAlterRE.MatchString(alterCmd(st)) && columnDone(err)) {
			return fmt.Errorf("on %s: %w", a, err)
		}
	}
	return nil
}

// Query runs q with GLOBAL IN subqueries.
func (c clusterConn) Query(ctx context.Context, q string, args ...any) (driver.Rows, error) {
	return c.Conn.Query(ctx, globalIn(q), args...)
}

// QueryRow runs q with GLOBAL IN subqueries.
func (c clusterConn) QueryRow(ctx context.Context, q string, args ...any) driver.Row {
	return c.Conn.QueryRow(ctx, globalIn(q), args...)
}

// Select runs q with GLOBAL IN subqueries.
func (c clusterConn) Select(ctx context.Context, dest any, q string, args ...any) error {
	return c.Conn.Select(ctx, dest, globalIn(q), args...)
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
	return clusterConn{Conn: conn, ddl: ddl, opts: o.Options}, nil
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
