package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/eventscope/eventscope/store"
)

// runMigrate creates the database of --store and applies the migrations,
// for the backends that migrate apart from opening (ClickHouse). It takes the same --clickhouse-* credential and TLS flags
// (and TRACER_* fallbacks) as serve, so a secured server needs no
// password in the DSN.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dsn, err := parseMigrate(args, stderr)
	if err != nil {
		return err
	}
	b, err := backends.Lookup(dsn)
	if err != nil {
		return err
	}
	if err := b.Migrate(ctx, dsn); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrated", maskDSN(dsn))
	return nil
}

// parseMigrate parses migrate's flags and returns the DSN to migrate, with
// the --clickhouse-* flags applied.
func parseMigrate(args []string, stderr io.Writer) (string, error) {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := fs.String("store", "", migratable()+" to create and migrate")
	var sec security
	registerClickHouse(fs, &sec)
	if err := parseFlags(fs, args, stderr); err != nil {
		return "", err
	}
	if b, err := backends.Lookup(*dsn); err != nil || b.Migrate == nil {
		return "", fmt.Errorf("--store %q: migrate is for %s (the other stores migrate themselves as they open)", maskDSN(*dsn), migratable())
	}
	return sec.storeDSN(*dsn)
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
