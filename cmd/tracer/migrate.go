package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/store"
)

// defaultMigrateWait is how long migrate retries a server that does not
// answer yet: a container started beside ClickHouse (docker compose) may
// run before the server listens, or while the official image's entrypoint
// still runs its temporary server on the container's loopback.
const defaultMigrateWait = 60 * time.Second

// runMigrate creates the database of --store and applies the migrations,
// for the backends that migrate apart from opening (ClickHouse). It takes the same --clickhouse-* credential and TLS flags
// (and TRACER_* fallbacks) as serve, so a secured server needs no
// password in the DSN.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dsn, wait, err := parseMigrate(args, stderr)
	if err != nil {
		return err
	}
	b, err := backends.Lookup(dsn)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := migrateRetrying(ctx, b.Migrate, dsn, wait, log); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrated", maskDSN(dsn))
	return nil
}

// migrateRetrying runs migrate until it succeeds, fails for another reason
// than an unreachable server, or wait has passed since the first try
// (logging when it starts waiting and every 10 s after).
func migrateRetrying(ctx context.Context, migrate func(context.Context, string) error, dsn string, wait time.Duration, log *slog.Logger) error {
	start := time.Now()
	var logged time.Time
	for {
		err := migrate(ctx, dsn)
		if err == nil || !errors.Is(err, clickhouse.ErrUnreachable) || time.Since(start) >= wait {
			return err
		}
		if time.Since(logged) >= 10*time.Second {
			log.Info("clickhouse not reachable yet, retrying", "store", maskDSN(dsn),
				"waited", time.Since(start).Round(time.Second).String(), "wait", wait.String(), "err", err)
			logged = time.Now()
		}
		t := time.NewTimer(min(time.Second, wait-time.Since(start)))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// parseMigrate parses migrate's flags and returns the DSN to migrate, with
// the --clickhouse-* flags applied, and how long to wait for the server.
func parseMigrate(args []string, stderr io.Writer) (string, time.Duration, error) {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := fs.String("store", "", migratable()+" to create and migrate")
	wait := fs.Duration("wait", defaultMigrateWait, "how long to retry connecting while the server does not answer (0: try once)")
	var sec security
	registerClickHouse(fs, &sec)
	if err := parseFlags(fs, args, stderr); err != nil {
		return "", 0, err
	}
	if b, err := backends.Lookup(*dsn); err != nil || b.Migrate == nil {
		return "", 0, fmt.Errorf("--store %q: migrate is for %s (the other stores migrate themselves as they open)", maskDSN(*dsn), migratable())
	}
	out, err := sec.storeDSN(*dsn)
	return out, *wait, err
}

// registerClickHouse adds the --clickhouse-* flags of serve to fs, bound to
// s: it takes them from security.registerHTTP so that names, defaults and
// help stay the same everywhere.
func registerClickHouse(fs *flag.FlagSet, s *security) {
	all := flag.NewFlagSet("serve", flag.ContinueOnError)
	s.registerHTTP(all)
	all.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "clickhouse-") {
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
}

// migratable lists the DSN forms of the backends migrated apart.
func migratable() string {
	return backends.Usage(func(b store.Backend) bool { return b.Migrate != nil })
}
