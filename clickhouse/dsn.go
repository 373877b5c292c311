package clickhouse

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// dsnOptions is a parsed DSN: the driver's options and eventscope's own
// parameters, which the driver must not see (it would send them to the
// server as settings).
type dsnOptions struct {
	*ch.Options
	// cluster is the ClickHouse cluster of ?cluster=NAME (--clickhouse-cluster):
	// the schema is created on every node with replicated local tables and
	// Distributed tables over them (cluster.go); "" for one server.
	cluster string
}

// parseDSN reads clickhouse://user:pass@host:9000/db?dial_timeout=5s (the
// native protocol) or http://host:8123/db, https://host:8443/db (the HTTP
// interface) and fills in eventscope's defaults. The user name and
// password are URL-escaped in the DSN (p%40ss for p@ss).
func parseDSN(dsn string) (*ch.Options, error) {
	o, err := parseDSNOptions(dsn)
	if err != nil {
		return nil, err
	}
	return o.Options, nil
}

// parseDSNOptions is parseDSN with eventscope's own parameters.
func parseDSNOptions(dsn string) (dsnOptions, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the DSN, which may hold a password
		}
		return dsnOptions{}, fmt.Errorf("parse clickhouse dsn: %w", err)
	}
	var out dsnOptions
	q := u.Query()
	switch u.Scheme {
	case "clickhouse", "http":
	case "https":
		if q.Get("secure") == "" {
			q.Set("secure", "true") // the driver wants both
		}
	default:
		return dsnOptions{}, fmt.Errorf("parse clickhouse dsn: scheme %q: want clickhouse:// (native protocol), http:// or https://", u.Scheme)
	}
	if q.Has("cluster") {
		out.cluster = q.Get("cluster")
		if !identRE.MatchString(out.cluster) {
			return dsnOptions{}, fmt.Errorf("parse clickhouse dsn: cluster name %q: want letters, digits and _", out.cluster)
		}
		q.Del("cluster")
	}
	u.RawQuery = q.Encode()
	o, err := ch.ParseDSN(u.String())
	if err != nil {
		return dsnOptions{}, fmt.Errorf("parse clickhouse dsn: %w", err)
	}
	if o.Auth.Database == "" {
		o.Auth.Database = "default"
	}
	if !identRE.MatchString(o.Auth.Database) {
		return dsnOptions{}, fmt.Errorf("parse clickhouse dsn: database name %q: want letters, digits and _", o.Auth.Database)
	}
	if o.DialTimeout == 0 || o.DialTimeout == 30*time.Second { // 30s: the driver's default
		o.DialTimeout = 5 * time.Second
	}
	out.Options = o
	if out.cluster != "" {
		clusterSettings(o)
	} else if _, ok := o.Settings["insert_quorum"]; ok {
		return dsnOptions{}, errors.New("parse clickhouse dsn: insert_quorum needs a cluster (?cluster=NAME, --clickhouse-cluster): the tables of one server are not replicated")
	}
	return out, nil
}

// where names the server and database for messages, without credentials.
func where(o *ch.Options) string {
	return fmt.Sprintf("%v/%s", o.Addr, o.Auth.Database)
}
