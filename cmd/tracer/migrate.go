package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/eventscope/eventscope/clickhouse"
)

// runMigrate creates the ClickHouse database of --store and applies the
// migrations. It takes the same --clickhouse-* credential and TLS flags
// (and TRACER_* fallbacks) as serve, so a secured server needs no
// password in the DSN.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dsn, err := parseMigrate(args, stderr)
	if err != nil {
		return err
	}
	if err := clickhouse.Migrate(ctx, dsn); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrated", maskDSN(dsn))
	return nil
}

// parseMigrate parses migrate's flags and returns the DSN to migrate, with
// the --clickhouse-* flags applied.
func parseMigrate(args []string, stderr io.Writer) (string, error) {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	store := fs.String("store", "", "clickhouse://user:pass@host:9000/db to create and migrate")
	var sec security
	registerClickHouse(fs, &sec)
	if err := parseFlags(fs, args, stderr); err != nil {
		return "", err
	}
	if !strings.HasPrefix(*store, "clickhouse://") {
		return "", fmt.Errorf("--store %q: migrate is for clickhouse://host:9000/db (the embedded store migrates itself)", maskDSN(*store))
	}
	return sec.storeDSN(*store)
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
