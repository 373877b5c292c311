package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

var _ store.Store = (*Store)(nil)

// Errors Open returns (wrapped) when the server cannot serve eventscope yet.
var (
	// ErrUnreachable: no ClickHouse server answered at the DSN's address.
	ErrUnreachable = errors.New("clickhouse unreachable")
	// ErrNoDatabase: the server answered but the DSN's database is missing.
	ErrNoDatabase = errors.New("clickhouse database missing")
	// ErrSchema: the database lacks migrations this version needs.
	ErrSchema = errors.New("clickhouse schema not migrated")
)

// ClickHouse exception codes the store reacts to.
const (
	codeUnknownTable    = 60
	codeUnknownDatabase = 81
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Logger receives the store's logs; nil discards them.
	Logger *slog.Logger
	// Retention drops whole day partitions whose every event is older than
	// now-Retention, at Open and then every RetentionEvery. Zero keeps
	// everything.
	Retention time.Duration
	// RetentionEvery is how often retention runs; 0 means one hour.
	RetentionEvery time.Duration
	// QueryTimeout bounds every read: the client gives up after it and the
	// server stops the query (max_execution_time) 5 seconds later at most;
	// 0 means 30 seconds.
	QueryTimeout time.Duration
}

// Store is the ClickHouse backend. It is safe for concurrent use.
type Store struct {
	conn driver.Conn
	db   string
	// cluster is the ClickHouse cluster the schema lives on ("" for one
	// server; cluster.go).
	cluster  string
	log      *slog.Logger
	readOpts ch.Settings
	// queryTimeout bounds every read (see readCtx).
	queryTimeout time.Duration

	// parts caches what system.parts says about flow_times and
	// flow_verdicts (see tableParts).
	partsMu sync.Mutex
	parts   map[string]partsInfo

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once

	// diag classifies records and summarises flows (SetDiagnosis).
	diag diagnose.Holder

	// fails memoises the flow statuses of failed records (failmemo.go).
	fails failMemo

	// pend holds the flows written whose verdicts are not computed yet
	// (verdict.go); verdictLoop computes them and closes vdone when
	// stopped.
	pend  pending
	vdone chan struct{}
	// steps keeps the steps of recently written flows for the pass
	// (stepcache.go).
	steps stepCache

	// frozen keeps the counts of old topic_buckets (stats_counts.go).
	frozen frozenCounts

	// textIndex: events has the data-skipping index of quoted text
	// (textindex.go; current releases only).
	textIndex bool

	// topics tells whether every verdict has its topics (diagnosed.go).
	topics topicsCheck

	// budget and now override a payload search's time budget and clock
	// (scan.go), for tests; zero values: a third of queryTimeout, time.Now.
	budget time.Duration
	now    func() time.Time
}

// SetDiagnosis sets the diagnose configuration records are classified and
// flows summarised with (see store.Diagnosing). Call it before the first
// Write; records already stored keep their classification.
func (s *Store) SetDiagnosis(cfg diagnose.Config) { s.diag.Set(cfg) }

// Open connects to the ClickHouse server and database the DSN names
// (clickhouse://user:pass@host:9000/db?dial_timeout=5s) and checks that the
// schema is migrated. It fails with ErrUnreachable, ErrNoDatabase or
// ErrSchema (wrapped, with a message that says what to run) when the server
// cannot serve.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	do, err := parseDSNOptions(dsn)
	if err != nil {
		return nil, err
	}
	o := do.Options
	raw, err := ch.Open(o)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse %s: %w", where(o), err)
	}
	if err := checkServer(ctx, raw, o); err != nil {
		raw.Close()
		return nil, err
	}
	conn, err := onCluster(ctx, raw, do)
	if err != nil {
		raw.Close()
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = 30 * time.Second
	}
	secs := int(opts.QueryTimeout.Round(time.Second) / time.Second)
	s := &Store{
		conn:         conn,
		db:           o.Auth.Database,
		cluster:      do.cluster,
		log:          opts.Logger.With("component", "clickhouse"),
		readOpts:     ch.Settings{"max_execution_time": max(secs, 1)},
		queryTimeout: opts.QueryTimeout,
		stop:         make(chan struct{}),
		done:         make(chan struct{}),
		vdone:        make(chan struct{}),
	}
	if s.textIndex, err = hasTextIndex(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	go s.verdictLoop()
	if opts.Retention > 0 {
		go s.retentionLoop(opts.Retention, opts.RetentionEvery)
	} else {
		close(s.done)
	}
	return s, nil
}

// checkServer pings the server and compares the recorded migrations with
// the embedded ones.
func checkServer(ctx context.Context, conn driver.Conn, o *ch.Options) error {
	if err := conn.Ping(ctx); err != nil {
		if isCode(err, codeUnknownDatabase) {
			return fmt.Errorf("%w: database %q does not exist on %v: create it with `tracer migrate --store <dsn>`: %v",
				ErrNoDatabase, o.Auth.Database, o.Addr, err)
		}
		return fmt.Errorf("%w: no answer from %v: %w", ErrUnreachable, o.Addr, err)
	}
	have, err := appliedVersion(ctx, conn)
	if err != nil {
		if isCode(err, codeUnknownTable) {
			have = 0
		} else {
			return fmt.Errorf("read schema version of %s: %w", where(o), err)
		}
	}
	if want := latestVersion(); have < want {
		return fmt.Errorf("%w: database %s is at schema version %d, this tracer needs %d: run `tracer migrate --store <dsn>`",
			ErrSchema, where(o), have, want)
	}
	return nil
}

// isCode reports whether err is a ClickHouse exception with that code.
func isCode(err error, code int32) bool {
	var ex *ch.Exception
	return errors.As(err, &ex) && ex.Code == code
}

// readCtx bounds a read by the QueryTimeout on both sides: a cancelled
// context alone does not stop a query on the server. clickhouse-go turns a
// context deadline into max_execution_time (deadline + 5 s) and overrides
// any value set by hand, so the bound is a deadline; max_execution_time is
// also set for the (impossible here) case without one.
func (s *Store) readCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, s.queryTimeout)
	return ch.Context(ctx, ch.WithSettings(s.readOpts)), cancel
}

// Ping reports whether the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("ping clickhouse: %w", err)
	}
	return nil
}

// Close stops retention, computes the verdicts of the flows written (see
// settle) and closes the connections.
func (s *Store) Close() error {
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
	<-s.vdone
	if err := s.conn.Close(); err != nil {
		return fmt.Errorf("close clickhouse: %w", err)
	}
	return nil
}
