package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// Option tunes a store as it opens (Open, OpenDSN).
type Option func(*options)

// options: which optional indexes the store keeps. Without an Option
// for one, Open leaves it as the database has it (a new database has
// none): a command that opens the store to read it does not undo what the
// server chose.
type options struct {
	textIndex  bool
	fieldIndex bool
	set        map[string]bool // the indexes an Option named, by table
}

func (o *options) choose(name string, on bool) {
	if o.set == nil {
		o.set = map[string]bool{}
	}
	o.set[name] = on
}

// WithTextIndex keeps (on) or drops (off) the trigram index of payload
// text that answers quoted text terms (textindex.go). It is kept in step
// by triggers, so every write pays for it: see docs/PERFORMANCE.md
// ("Payload fields and text") before switching it on.
func WithTextIndex(on bool) Option { return func(o *options) { o.choose(textIndex.name, on) } }

// WithFieldIndex keeps (on) or drops (off) the payload field read model
// that answers has: terms and prunes payload field terms
// (fieldindex.go), kept in step by a trigger.
func WithFieldIndex(on bool) Option { return func(o *options) { o.choose(fieldIndex.name, on) } }

// optional is one of the store's optional search structures: created
// with its triggers and filled from the stored events when switched on,
// dropped when switched off. The choice is the store's, given each time
// it opens; what is on disk follows it.
type optional struct {
	name     string   // the table whose presence says it is on
	create   []string // statements creating the table and its triggers
	backfill string   // fills it from the events already stored
	drop     []string // drops the triggers and the table
}

// setOptional creates (filling it) or drops opt so that it is on exactly
// when o asks it to be, in one transaction of the writer, and reports
// whether it is on.
func setOptional(ctx context.Context, w *sql.DB, opt optional, o options, log *slog.Logger) (bool, error) {
	var n int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = ?`, opt.name).Scan(&n); err != nil {
		return false, fmt.Errorf("look for %s: %w", opt.name, err)
	}
	on, asked := o.set[opt.name]
	if !asked || (n > 0) == on {
		return n > 0, nil
	}
	return on, switchOptional(ctx, w, opt, on, log)
}

func switchOptional(ctx context.Context, w *sql.DB, opt optional, on bool, log *slog.Logger) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("switch %s: %w", opt.name, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	stmts := opt.drop
	if on {
		stmts = append(append([]string{}, opt.create...), opt.backfill)
	}
	start := time.Now()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("switch %s: %w", opt.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("switch %s: %w", opt.name, err)
	}
	log.Info("optional index switched", "index", opt.name, "on", on, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// setOptions applies opts to the database: each optional index they name
// is created (and filled) or dropped to match; the others stay as they
// are. It reports which are on.
func setOptions(ctx context.Context, w *sql.DB, opts []Option, log *slog.Logger) (options, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	// The first form of the field model (payload_fields, merged by Go
	// functions since removed) would fail every write: drop it.
	for _, q := range []string{`DROP TRIGGER IF EXISTS payload_fields_insert`, `DROP TABLE IF EXISTS payload_fields`} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			return o, fmt.Errorf("drop the old field model: %w", err)
		}
	}
	var err error
	if o.textIndex, err = setOptional(ctx, w, textIndex, o, log); err != nil {
		return o, err
	}
	if o.fieldIndex, err = setOptional(ctx, w, fieldIndex, o, log); err != nil {
		return o, err
	}
	return o, nil
}
