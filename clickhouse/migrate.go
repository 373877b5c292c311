package clickhouse

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered file of migrations/: NNNN_name.sql holding
// statements separated by ";" at the end of a line.
type migration struct {
	version uint32
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", base)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{uint32(v), strings.TrimSuffix(base, ".sql"), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// latestVersion is the version of the newest embedded migration.
func latestVersion() uint32 {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// statements splits a migration into statements, dropping "--" comments
// and filling in the server-dependent types.
func (m migration) statements(lowCardinality bool) []string {
	var lines []string
	for _, l := range strings.Split(m.sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	text := strings.Join(lines, "\n")
	lc := "String"
	if lowCardinality {
		lc = "LowCardinality(String)"
	}
	text = strings.ReplaceAll(text, "{{LowCardinalityString}}", lc)
	var out []string
	for _, st := range strings.Split(text, ";\n") {
		if st = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(st), ";")); st != "" {
			out = append(out, st)
		}
	}
	return out
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version UInt32,
    name String,
    applied_at DateTime
) ENGINE = ReplacingMergeTree ORDER BY version`

// Migrate creates the DSN's database when missing and applies the embedded
// migrations it has not applied yet, recording each in schema_migrations.
// Every statement is idempotent, so running it again (or concurrently after
// a crash) is harmless. Backfills of new tables from existing events log
// their progress to slog's default logger (MigrateLog chooses another).
func Migrate(ctx context.Context, dsn string) error {
	return MigrateLog(ctx, dsn, slog.Default())
}

// MigrateLog is Migrate logging to log.
func MigrateLog(ctx context.Context, dsn string, log *slog.Logger) error {
	o, err := parseDSNOptions(dsn)
	if err != nil {
		return err
	}
	db := o.Auth.Database
	admin := *o.Options
	admin.Auth.Database = "default"
	aconn, err := ch.Open(&admin)
	if err != nil {
		return fmt.Errorf("open clickhouse %v: %w", o.Addr, err)
	}
	defer aconn.Close()
	if err := aconn.Ping(ctx); err != nil {
		return fmt.Errorf("%w: no answer from %v: %w", ErrUnreachable, o.Addr, err)
	}
	conn, err := onCluster(ctx, aconn, o)
	if err != nil {
		return err
	}
	defer closeHosts(conn)
	// db matched identRE: it is safe to quote as an identifier.
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS `"+db+"`"); err != nil {
		return fmt.Errorf("create database %q: %w", db, err)
	}
	raw, err := ch.Open(o.Options)
	if err != nil {
		return fmt.Errorf("open clickhouse %s: %w", where(o.Options), err)
	}
	defer raw.Close()
	dconn, err := onCluster(ctx, raw, o)
	if err != nil {
		return err
	}
	defer closeHosts(dconn)
	return applyMigrations(ctx, dconn, log)
}

func applyMigrations(ctx context.Context, conn driver.Conn, log *slog.Logger) error {
	return applyMigrationsTo(ctx, conn, log, math.MaxUint32)
}

// applyMigrationsTo applies the migrations up to version last.
func applyMigrationsTo(ctx context.Context, conn driver.Conn, log *slog.Logger, last uint32) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	if err := conn.Exec(ctx, migrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	have, err := appliedVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	lc, err := supportsLowCardinality(ctx, conn)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.version <= have || m.version > last {
			continue
		}
		for _, st := range m.statements(lc) {
			if err := conn.Exec(ctx, st); err != nil {
				// A migration stopped after some of its ALTERs (a killed
				// migrate, a backfill cut short) is run again whole:
				// 18.16 has no ADD COLUMN IF NOT EXISTS, so a column
				// change already made counts as done (as on a cluster).
				if columnAlterRE.MatchString(alterCmd(st)) && columnDone(err) {
					continue
				}
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		if bf := backfills[m.version]; bf != nil {
			if err := bf(ctx, conn, log); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		b, err := conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, applied_at)")
		if err != nil {
			return fmt.Errorf("record migration %s: %w", m.name, err)
		}
		if err := b.Append(m.version, m.name, time.Now().UTC()); err != nil {
			b.Abort()
			return fmt.Errorf("record migration %s: %w", m.name, err)
		}
		if err := b.Send(); err != nil {
			return fmt.Errorf("record migration %s: %w", m.name, err)
		}
	}
	if err := syncReplicas(ctx, conn, "schema_migrations"); err != nil {
		return fmt.Errorf("wait for the replicas of schema_migrations: %w", err)
	}
	return nil
}

// appliedVersion is the newest migration recorded in schema_migrations.
func appliedVersion(ctx context.Context, conn driver.Conn) (uint32, error) {
	var v uint32
	if err := conn.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, err
	}
	return v, nil
}

// supportsLowCardinality reports whether the server takes
// LowCardinality(String) without the experimental setting 18.x needs. It is
// stable from release 19.x; we use it from 20 on, to be safe. Older servers
// get plain String.
func supportsLowCardinality(ctx context.Context, conn driver.Conn) (bool, error) {
	n, err := serverMajor(ctx, conn)
	return n >= 20, err
}
