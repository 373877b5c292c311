package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/eventscope/eventscope/clickhouse"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := fs.String("store", "", "clickhouse://user:pass@host:9000/db to create and migrate")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !strings.HasPrefix(*dsn, "clickhouse://") {
		return fmt.Errorf("--store %q: migrate is for clickhouse://host:9000/db (the embedded store migrates itself)", *dsn)
	}
	if err := clickhouse.Migrate(ctx, *dsn); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrated", *dsn)
	return nil
}
