package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Backend is one storage backend as the tracer binary picks it from a
// --store DSN: each backend package declares its own (sqlite.Backend,
// clickhouse.Backend) and cmd/tracer lists them in a Backends, which is all
// it asks. A new backend is one such value and one line in that list.
type Backend struct {
	// Scheme starts the backend's DSNs, before "://" ("sqlite").
	Scheme string
	// Aliases are other schemes of the backend's DSNs ("http", "https").
	Aliases []string
	// Name is how messages call the backend ("the embedded store").
	Name string
	// Usage shows the form of a DSN, for help and errors
	// ("sqlite://PATH").
	Usage string
	// Open opens the store a DSN names. A backend that migrates itself
	// does it here.
	Open func(ctx context.Context, dsn string, o OpenOptions) (Store, error)
	// Migrate creates the DSN's database and applies the schema; nil when
	// Open migrates by itself.
	Migrate func(ctx context.Context, dsn string) error
	// Check validates a DSN before anything is opened, so a bad one fails
	// at start with a clear message; nil accepts any DSN of the scheme.
	Check func(dsn string) error
	// Secure applies connection credentials to a DSN; nil when the backend
	// takes none.
	Secure func(dsn string, c Credentials) (string, error)
	// Retention tells whether the backend can drop old events
	// (OpenOptions.Retention).
	Retention bool
	// PayloadIndexes tells whether the backend has optional payload
	// indexes to switch (OpenOptions.PayloadIndexes).
	PayloadIndexes bool
	// BatchSize is the most events ingest hands one Write when none is
	// configured: what the backend writes fastest without holding too
	// many events in memory (docs/PERFORMANCE.md, Ingest). Ingest cuts a
	// batch sooner at its interval, so it is reached only under a backlog.
	// Zero: ingest's default.
	BatchSize int
}

// OpenOptions tune a store as it opens. The zero value is usable.
type OpenOptions struct {
	// Logger receives the store's logs; nil discards them.
	Logger *slog.Logger
	// Retention drops events older than this (only backends with
	// Backend.Retention); zero keeps everything.
	Retention time.Duration
	// PayloadIndexes switches the optional payload indexes (only backends
	// with Backend.PayloadIndexes); nil leaves them as the store has them.
	PayloadIndexes *PayloadIndexes
}

// PayloadIndexes are the optional indexes of payloads a store may keep,
// each paid for by every write: Text answers quoted text terms, Fields
// answers has: and prunes payload field terms.
type PayloadIndexes struct {
	Text, Fields bool
}

// Credentials are the connection settings given apart from the DSN (flags,
// environment, files), so secrets need not sit in it.
type Credentials struct {
	User, Password   string
	TLS, TLSInsecure bool // TLSInsecure: TLS without verifying the server
	// Cluster names the database cluster the schema is spread over ("":
	// one server).
	Cluster string
	// InsertQuorum is how many replicas of a shard must hold a write
	// before it is acknowledged (0: the server's default, one).
	InsertQuorum int
}

// IsZero reports whether no credential is given.
func (c Credentials) IsZero() bool { return c == Credentials{} }

// Backends are the backends a binary is built with, the first the default.
type Backends []Backend

// Lookup finds the backend of a DSN by its scheme.
func (bs Backends) Lookup(dsn string) (Backend, error) {
	for _, b := range bs {
		for _, s := range append([]string{b.Scheme}, b.Aliases...) {
			if strings.HasPrefix(dsn, s+"://") {
				return b, nil
			}
		}
	}
	return Backend{}, fmt.Errorf("no store for this DSN: want %s", bs.Usage(nil))
}

// Usage lists the DSN forms of the backends keep accepts (all when keep is
// nil): "sqlite://PATH or clickhouse://host:9000/db".
func (bs Backends) Usage(keep func(Backend) bool) string {
	var forms []string
	for _, b := range bs {
		if keep == nil || keep(b) {
			forms = append(forms, b.Usage)
		}
	}
	return strings.Join(forms, " or ")
}
