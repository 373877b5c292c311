package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // the pure-Go driver, registered as "sqlite"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

var _ store.Store = (*Store)(nil)

// Store is the embedded backend. It is safe for concurrent use: writes go
// through one writer connection (SQLite allows one writer at a time),
// reads through a pool of read-only connections that WAL lets run beside
// the writer.
type Store struct {
	w   *sql.DB // exactly one connection
	r   *sql.DB // read-only pool; the same as w for an in-memory store
	log *slog.Logger
	// narrowEvents: a time window with fewer events is searched from
	// them (narrowWindowEvents; tests lower it to take the other path).
	narrowEvents int
	// diag classifies records and summarises flows (SetDiagnosis).
	diag diagnose.Holder
	// opts: the optional indexes it keeps (Option).
	opts options
	// cache: the flows Write touched last (flowcache.go). wmu is held
	// by Write and Rewrite from BEGIN until the cache has taken what
	// they committed: the connection alone is free again at COMMIT, and
	// the next write must not see the cache of before it.
	cache flowCache
	wmu   sync.Mutex
}

// MemoryDSN opens a private in-memory store (one connection shared by
// reads and writes; gone on Close): for tests and throw-away demos.
const MemoryDSN = "sqlite::memory:"

// Connection settings. synchronous=FULL: in WAL mode every commit fsyncs
// the WAL, so Write returns only once the batch survives a power cut (the
// ingest commits Kafka offsets after Write; NORMAL would survive a process
// crash but could lose the last commits on power loss). The cost is one
// fsync per batch, small with batches of thousands of events.
// busy_timeout covers other processes holding the database (the CLI, a
// backup); within the process writes are serialised by the single writer.
// Page caches: 32 MiB for the writer (the hot pages of the random-key
// indexes and the flows table), 8 MiB per reader; they are not Go heap,
// and with the tracer's Go heap limit keep the process under 300 MB
// (docs/PERFORMANCE.md, Ingest: with 48 and 16 MiB a backfill peaked at
// 317-351 MiB; with these at the same CPU per record).
const (
	pragmas     = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	writerDSN   = "?" + pragmas + "&_pragma=cache_size(-32768)&_txlock=immediate"
	readerDSN   = "?" + pragmas + "&_pragma=cache_size(-8192)&_pragma=query_only(1)"
	memoryDSN   = ":memory:?_pragma=foreign_keys(1)"
	maxReadConn = 8
)

// OpenDSN opens a store named by a DSN: "sqlite://PATH" (PATH absolute as
// in sqlite:///var/lib/eventscope/events.db, or relative as in
// sqlite://eventscope-data/events.db), "sqlite:PATH", or MemoryDSN
// ("sqlite::memory:").
func OpenDSN(ctx context.Context, dsn string, log *slog.Logger, opts ...Option) (*Store, error) {
	if dsn == MemoryDSN {
		return openMemory(ctx, log, opts)
	}
	path, err := dsnPath(dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	return Open(ctx, path, log, opts...)
}

// dsnPath is the file path of a "sqlite://PATH" or "sqlite:PATH" DSN.
func dsnPath(dsn string) (string, error) {
	path, ok := strings.CutPrefix(dsn, "sqlite://")
	if !ok {
		if path, ok = strings.CutPrefix(dsn, "sqlite:"); !ok {
			return "", fmt.Errorf("dsn %q does not start with sqlite:", dsn)
		}
	}
	if err := checkPath(path); err != nil {
		return "", err
	}
	return path, nil
}

// checkPath refuses what the driver would read as something other than a
// file path.
func checkPath(path string) error {
	if path == "" || strings.ContainsAny(path, "?") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return fmt.Errorf("bad path %q (want a file path without '?')", path)
	}
	return nil
}

// Open opens (creating it and its parent directories when missing) the
// database file at path and brings its schema up to date, creating or
// dropping the optional indexes as opts ask.
func Open(ctx context.Context, path string, log *slog.Logger, opts ...Option) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open sqlite store: create %s: %w", dir, err)
		}
	}
	log = logger(log).With("path", path)
	w, err := sql.Open("sqlite", path+writerDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer creates the file and switches it to WAL before readers
	// (which are query_only and could not) open it.
	if err := migrate(ctx, w, log); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	if err := checkWritable(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	o, err := setOptions(ctx, w, opts, log)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+readerDSN)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	n := min(max(runtime.GOMAXPROCS(0), 2), maxReadConn)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s := &Store{w: w, r: r, log: log, narrowEvents: narrowWindowEvents, opts: o}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	log.Debug("sqlite store open", "read_conns", n)
	return s, nil
}

// checkWritable fails when the database takes no writes (a read-only file
// or file system): reads and migrations already applied work on such a
// file, so without this probe a start would look ready while every batch
// failed. It rewrites one migration row in place inside a transaction it
// rolls back.
func checkWritable(ctx context.Context, w *sql.DB) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("check the database takes writes: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET applied_at = applied_at
WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		return fmt.Errorf("the database takes no writes (read-only file or file system?): %w", err)
	}
	return nil
}

func openMemory(ctx context.Context, log *slog.Logger, opts []Option) (*Store, error) {
	db, err := sql.Open("sqlite", memoryDSN)
	if err != nil {
		return nil, fmt.Errorf("open in-memory sqlite store: %w", err)
	}
	// One connection forever: each connection has its own :memory: database.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	log = logger(log).With("path", ":memory:")
	if err := migrate(ctx, db, log); err != nil {
		db.Close()
		return nil, fmt.Errorf("open in-memory sqlite store: %w", err)
	}
	o, err := setOptions(ctx, db, opts, log)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open in-memory sqlite store: %w", err)
	}
	return &Store{w: db, r: db, log: log, narrowEvents: narrowWindowEvents, opts: o}, nil
}

func logger(log *slog.Logger) *slog.Logger {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return log.With("component", "sqlite")
}

// Ping reports whether both the writer and a reader connection answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite writer: %w", err)
	}
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	return nil
}

// Close closes the connections. It is safe to call more than once.
func (s *Store) Close() error {
	var errs []error
	if s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite store: %w", err)
	}
	return nil
}
