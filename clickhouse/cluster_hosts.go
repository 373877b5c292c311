package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// clusterConn runs DDL through clusterDDL, sending each rewritten
// statement to the hosts it names over connections of its own, not ON
// CLUSTER. ClickHouse 18.16's DDL worker runs an ALTER … ON CLUSTER of a
// replicated table once per shard: each replica checks whether another
// has executed it, then takes a lock in ZooKeeper. Between the check and
// the lock the other replica can finish; the late one then runs the ALTER
// again ("column with this name already exists") and fails to create the
// task's "executed" node ("Node exists"), which 18.16 treats as an
// unexpected ZooKeeper error: its DDL worker thread ends ("Terminating"),
// and that host runs no ON CLUSTER statement until it is restarted (each
// later one times out after distributed_ddl_task_timeout). Seen here once
// in ~3000 queue tasks under load (docs/notes/issue-15.md). Sent host by
// host, a statement that cannot run fails at once, naming the host, the
// next migrate run picks up where it stopped, and a migration takes a
// ninth of the time (no queue polling or per-shard lock, hosts at once).
// Everything else goes to the connection as it is, with GLOBAL IN.
type clusterConn struct {
	driver.Conn
	ddl  *clusterDDL
	opts *ch.Options // to reach each host

	mu    sync.Mutex
	hosts []clusterHost        // in shard, replica order; listed once
	conns map[string]*hostConn // by address
}

// clusterHost is one server of the cluster.
type clusterHost struct {
	shard uint32
	addr  string
}

// hostConn is the connection to one host, opened when first needed.
type hostConn struct {
	once sync.Once
	conn driver.Conn
	err  error
}

// Exec rewrites st for the cluster and runs the statements in turn. A
// column that a repeated migration adds again (or drops again) is not an
// error: the first run did it on every shard.
func (c *clusterConn) Exec(ctx context.Context, st string, args ...any) error {
	steps, err := c.ddl.rewrite(st)
	if err != nil {
		return err
	}
	if steps == nil { // not DDL
		return c.Conn.Exec(ctx, globalIn(st), args...)
	}
	hosts, err := c.listHosts(ctx)
	if err != nil {
		return err
	}
	for _, s := range steps {
		if err := c.run(ctx, hosts, s, args); err != nil {
			if columnAlterRE.MatchString(alterCmd(st)) && columnDone(err) {
				continue
			}
			return err
		}
	}
	return nil
}

// run runs one step on its hosts: groups of hosts one after the other, the
// hosts of a group at once.
func (c *clusterConn) run(ctx context.Context, hosts []clusterHost, s step, args []any) error {
	var groups [][]clusterHost
	switch s.hosts {
	case onAll:
		groups = [][]clusterHost{hosts}
	case onShards:
		groups = [][]clusterHost{firstOfShards(hosts)}
	case onReplicas:
		for i := 0; ; i++ { // the i-th replica of every shard
			var g []clusterHost
			seen := map[uint32]int{}
			for _, h := range hosts {
				if seen[h.shard] == i {
					g = append(g, h)
				}
				seen[h.shard]++
			}
			if len(g) == 0 {
				break
			}
			groups = append(groups, g)
		}
	}
	if s.hosts == onShards {
		// Partition drops wait for every replica (2); a column change
		// waits for the active replicas in any case.
		ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"replication_alter_partitions_sync": 2}))
	}
	for _, g := range groups {
		if err := c.onHosts(ctx, g, s.sql, args); err != nil {
			return err
		}
	}
	if s.hosts == onShards && s.table != "" {
		return c.sameColumns(ctx, hosts, s.table)
	}
	return nil
}

// onHosts runs st on every host of hosts at once.
func (c *clusterConn) onHosts(ctx context.Context, hosts []clusterHost, st string, args []any) error {
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Go(func() {
			conn, err := c.host(h.addr)
			if err == nil {
				err = conn.Exec(ctx, st, args...)
			}
			if err != nil && !(columnAlterRE.MatchString(alterCmd(st)) && columnDone(err)) {
				errs[i] = fmt.Errorf("on %s: %w", h.addr, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sameColumns waits until every host has the same columns in table: a
// replica applies a column change made on another replica from ZooKeeper,
// and an insert through a Distributed table reaching it before would fail.
func (c *clusterConn) sameColumns(ctx context.Context, hosts []clusterHost, table string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		cols := make([]string, len(hosts))
		var err error
		for i, h := range hosts {
			if cols[i], err = c.columns(ctx, h.addr, table); err != nil {
				return fmt.Errorf("columns of %s on %s: %w", table, h.addr, err)
			}
		}
		if slices.IndexFunc(cols, func(s string) bool { return s != cols[0] }) < 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the replicas still differ in columns after 2m (%s: %s; %s: %s)",
				table, hosts[0].addr, cols[0], hosts[len(hosts)-1].addr, cols[len(cols)-1])
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// columns lists table's columns on one host, as "name type,…".
func (c *clusterConn) columns(ctx context.Context, addr, table string) (string, error) {
	conn, err := c.host(addr)
	if err != nil {
		return "", err
	}
	var cols []string
	rows, err := conn.Query(ctx, "SELECT name, type FROM system.columns WHERE database = ? AND table = ? ORDER BY name", c.ddl.db, table)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return "", err
		}
		cols = append(cols, n+" "+t)
	}
	return strings.Join(cols, ","), rows.Err()
}

// firstOfShards is the first replica of every shard.
func firstOfShards(hosts []clusterHost) []clusterHost {
	var out []clusterHost
	for i, h := range hosts {
		if i == 0 || hosts[i-1].shard != h.shard {
			out = append(out, h)
		}
	}
	return out
}

// listHosts lists the hosts of the cluster (system.clusters of the server
// connected to), once.
func (c *clusterConn) listHosts(ctx context.Context) ([]clusterHost, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hosts != nil {
		return c.hosts, nil
	}
	rows, err := c.Conn.Query(ctx, "SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = ? ORDER BY shard_num, replica_num", c.ddl.cluster)
	if err != nil {
		return nil, fmt.Errorf("list the hosts of cluster %s: %w", c.ddl.cluster, err)
	}
	defer rows.Close()
	var hosts []clusterHost
	for rows.Next() {
		var h clusterHost
		var addr string
		var port uint16
		if err := rows.Scan(&h.shard, &addr, &port); err != nil {
			return nil, err
		}
		h.addr = net.JoinHostPort(addr, strconv.Itoa(int(port)))
		hosts = append(hosts, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("cluster %s has no hosts", c.ddl.cluster)
	}
	c.hosts = hosts
	return hosts, nil
}

// host is the connection to the host at addr, with the options of the
// connection (rewritten statements name their database).
func (c *clusterConn) host(addr string) (driver.Conn, error) {
	c.mu.Lock()
	if c.conns == nil {
		c.conns = map[string]*hostConn{}
	}
	hc := c.conns[addr]
	if hc == nil {
		hc = &hostConn{}
		c.conns[addr] = hc
	}
	c.mu.Unlock()
	hc.once.Do(func() {
		o := *c.opts
		o.Addr = []string{addr}
		o.Auth.Database = "default"
		if hc.conn, hc.err = ch.Open(&o); hc.err != nil {
			hc.err = fmt.Errorf("open %s: %w", addr, hc.err)
		}
	})
	return hc.conn, hc.err
}

// Close closes the connections to the hosts and the connection.
func (c *clusterConn) Close() error {
	c.closeHosts()
	return c.Conn.Close()
}

// closeHosts closes the connections to the hosts (opened again when
// needed).
func (c *clusterConn) closeHosts() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, hc := range c.conns {
		if hc.conn != nil {
			hc.conn.Close()
		}
	}
	c.conns = nil
}

// syncReplicas waits until every replica of table's local table has what
// the others have (SYSTEM SYNC REPLICA on every host; nothing for one
// server's connection): after a migration, a tracer reading through any
// node sees the new schema version at once.
func syncReplicas(ctx context.Context, conn driver.Conn, table string) error {
	c, ok := conn.(*clusterConn)
	if !ok {
		return nil
	}
	hosts, err := c.listHosts(ctx)
	if err != nil {
		return err
	}
	return c.onHosts(ctx, hosts, "SYSTEM SYNC REPLICA "+c.ddl.local(table), nil)
}

// closeHosts closes the connections conn opened to the hosts of a cluster
// (nothing for one server's connection); conn itself stays open.
func closeHosts(conn driver.Conn) {
	if c, ok := conn.(*clusterConn); ok {
		c.closeHosts()
	}
}

// Query runs q with GLOBAL IN subqueries.
func (c *clusterConn) Query(ctx context.Context, q string, args ...any) (driver.Rows, error) {
	return c.Conn.Query(ctx, globalIn(q), args...)
}

// QueryRow runs q with GLOBAL IN subqueries.
func (c *clusterConn) QueryRow(ctx context.Context, q string, args ...any) driver.Row {
	return c.Conn.QueryRow(ctx, globalIn(q), args...)
}

// Select runs q with GLOBAL IN subqueries.
func (c *clusterConn) Select(ctx context.Context, dest any, q string, args ...any) error {
	return c.Conn.Select(ctx, dest, globalIn(q), args...)
}
