package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/eventscope/eventscope/store"
)

// Backend is the ClickHouse store as the tracer binary picks it from a
// --store DSN: clickhouse://user:pass@host:9000/db (native protocol) or
// http(s)://user:pass@host:8123/db (HTTP interface), migrated by Migrate
// (`tracer migrate`), with credentials and TLS given apart from the DSN,
// and retention by day partitions.
func Backend() store.Backend {
	return store.Backend{
		Scheme:  "clickhouse",
		Aliases: []string{"http", "https"},
		Name:    "ClickHouse store",
		Usage:   "clickhouse://user:pass@host:9000/db",
		Open: func(ctx context.Context, dsn string, o store.OpenOptions) (store.Store, error) {
			st, err := Open(ctx, dsn, Options{Logger: o.Logger, Retention: o.Retention})
			if err != nil {
				return nil, err // not a nil *Store in a non-nil store.Store
			}
			return st, nil
		},
		Migrate: Migrate,
		Check: func(dsn string) error {
			_, err := parseDSN(dsn)
			return err
		},
		Secure:    secureDSN,
		Retention: true,
		// Each insert makes a part in events and in each view's table:
		// the raw driver is fastest at 50k-row inserts, but ingest holds
		// three batches under a backlog (building, queued, writing) at
		// ~2.7 KB an event: at 20000 the Go heap sat at the tracer's
		// 160 MiB limit (87 cpu-µs/record, 299 MiB at 300k records; 10000:
		// 57 cpu-µs, 195 MiB; scripts/bench-ingest, docs/PERFORMANCE.md).
		BatchSize: 10_000,
	}
}

// secureDSN puts the credentials into the DSN: the user replaces the DSN's,
// the password the DSN's when given, TLS sets secure (and skip_verify), a
// cluster sets cluster (see cluster.go).
func secureDSN(dsn string, c store.Credentials) (string, error) {
	if c.IsZero() {
		return dsn, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the DSN, which may hold a password
		}
		return "", fmt.Errorf("parse clickhouse dsn: %w", err)
	}
	user, password := u.User.Username(), c.Password
	if c.User != "" {
		user = c.User
	}
	if old, ok := u.User.Password(); ok && password == "" {
		password = old
	}
	if password != "" {
		u.User = url.UserPassword(user, password)
	} else if user != "" {
		u.User = url.User(user)
	}
	q := u.Query()
	if c.TLS || c.TLSInsecure {
		q.Set("secure", "true")
	}
	if c.TLSInsecure {
		q.Set("skip_verify", "true")
	}
	if c.Cluster != "" {
		q.Set("cluster", c.Cluster)
	}
	if c.InsertQuorum > 0 {
		q.Set("insert_quorum", strconv.Itoa(c.InsertQuorum))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
