package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/clickhouse"
)

// TestParseMigrate checks that migrate takes serve's --clickhouse-* flags,
// their TRACER_* fallbacks and password file, and builds the same DSN.
func TestParseMigrate(t *testing.T) {
	pwFile := writeFile(t, "pw", "s3cret/pw\n")
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "DSN as given", args: []string{"--store", "clickhouse://u:p@ch:9000/es"}, want: "clickhouse://u:p@ch:9000/es"},
		{name: "user and password flags", args: []string{"--store", "clickhouse://ch:9000/es", "--clickhouse-user", "tracer", "--clickhouse-password", "pw"},
			want: "clickhouse://tracer:pw@ch:9000/es"},
		{name: "password from env", args: []string{"--store", "clickhouse://ops@ch:9000/es"}, env: map[string]string{"TRACER_CLICKHOUSE_PASSWORD": "from env"},
			want: "clickhouse://ops:from%20env@ch:9000/es"},
		{name: "password file", args: []string{"--store", "clickhouse://ops@ch:9000/es", "--clickhouse-password-file", pwFile},
			want: "clickhouse://ops:s3cret%2Fpw@ch:9000/es"},
		{name: "TLS", args: []string{"--store", "clickhouse://ch:9440/es", "--clickhouse-tls"}, want: "clickhouse://ch:9440/es?secure=true"},
		{name: "TLS without verification", args: []string{"--store", "clickhouse://ch:9440/es?dial_timeout=2s", "--clickhouse-tls-insecure-skip-verify"},
			want: "clickhouse://ch:9440/es?dial_timeout=2s&secure=true&skip_verify=true"},
		{name: "store and TLS from env", env: map[string]string{"TRACER_STORE": "clickhouse://ch:9440/es", "TRACER_CLICKHOUSE_TLS": "true"},
			want: "clickhouse://ch:9440/es?secure=true"},
		{name: "cluster", args: []string{"--store", "clickhouse://ch:9000/es", "--clickhouse-cluster", "prod"}, want: "clickhouse://ch:9000/es?cluster=prod"},
		{name: "insert quorum", env: map[string]string{"TRACER_CLICKHOUSE_INSERT_QUORUM": "2"}, args: []string{"--store", "clickhouse://ch:9000/es", "--clickhouse-cluster", "prod"},
			want: "clickhouse://ch:9000/es?cluster=prod&insert_quorum=2"},
		{name: "HTTP", args: []string{"--store", "https://ch:8443/es", "--clickhouse-password", "p@ss:/?"}, want: "https://:p%40ss%3A%2F%3F@ch:8443/es"},
		{name: "password twice", args: []string{"--store", "clickhouse://ch:9000/es", "--clickhouse-password", "a", "--clickhouse-password-file", pwFile},
			wantErr: "not both"},
		{name: "not clickhouse", args: []string{"--store", "sqlite:///tmp/x.db"}, wantErr: "migrate is for clickhouse://"},
		{name: "no store", wantErr: "migrate is for clickhouse://"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"TRACER_STORE", "TRACER_CLICKHOUSE_USER", "TRACER_CLICKHOUSE_PASSWORD", "TRACER_CLICKHOUSE_PASSWORD_FILE",
				"TRACER_CLICKHOUSE_TLS", "TRACER_CLICKHOUSE_TLS_INSECURE_SKIP_VERIFY", "TRACER_CLICKHOUSE_CLUSTER", "TRACER_CLICKHOUSE_INSERT_QUORUM"} {
				if v, ok := tc.env[k]; ok {
					t.Setenv(k, v)
				} else {
					unsetenv(t, k)
				}
			}
			got, _, err := parseMigrate(tc.args, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %q, %v; want an error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestMigrateFlagsMatchServe: the ClickHouse flags of migrate are serve's,
// with the same help and defaults.
func TestMigrateFlagsMatchServe(t *testing.T) {
	var c config
	serve := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.registerServer(serve)
	migrate := flag.NewFlagSet("migrate", flag.ContinueOnError)
	registerClickHouse(migrate, &security{})
	var names []string
	serve.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, "clickhouse-") {
			return
		}
		names = append(names, f.Name)
		m := migrate.Lookup(f.Name)
		if m == nil {
			t.Errorf("migrate has no --%s", f.Name)
			return
		}
		if m.Usage != f.Usage || m.DefValue != f.DefValue {
			t.Errorf("--%s: migrate has %q (default %q), serve %q (default %q)", f.Name, m.Usage, m.DefValue, f.Usage, f.DefValue)
		}
	})
	if len(names) < 5 {
		t.Errorf("serve has only %q", names)
	}
	n := 0
	migrate.VisitAll(func(*flag.Flag) { n++ })
	if n != len(names) {
		t.Errorf("migrate registered %d flags, want the %d ClickHouse ones", n, len(names))
	}
}

// TestMigrateHidesPassword runs migrate against a closed port: it fails
// fast, and neither the error nor the output shows the password.
func TestMigrateHidesPassword(t *testing.T) {
	unsetenv(t, "TRACER_CLICKHOUSE_PASSWORD")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err := runMigrate(ctx, []string{"--store", "clickhouse://127.0.0.1:1/es?dial_timeout=1s", "--clickhouse-user", "u",
		"--clickhouse-password", "hunter2-secret", "--wait", "0s"}, &out, &errOut)
	if err == nil {
		t.Fatal("migrate against a closed port succeeded")
	}
	for what, s := range map[string]string{"error": err.Error(), "stdout": out.String(), "stderr": errOut.String()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("%s shows the password: %s", what, s)
		}
	}
	if errors.Is(err, errUsage) {
		t.Errorf("flags refused: %v\n%s", err, errOut.String())
	}
}

// TestMigrateRetries: migrate retries an unreachable server until --wait
// has passed, says so in its log, and fails with ErrUnreachable; other
// errors fail at once.
func TestMigrateRetries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errOut bytes.Buffer
	start := time.Now()
	err := runMigrate(ctx, []string{"--store", "clickhouse://127.0.0.1:1/es?dial_timeout=1s", "--wait", "2s"}, io.Discard, &errOut)
	took := time.Since(start)
	if !errors.Is(err, clickhouse.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	if took < 2*time.Second || took > 15*time.Second {
		t.Errorf("gave up after %v, want about --wait 2s", took)
	}
	if !strings.Contains(errOut.String(), "clickhouse not reachable yet, retrying") || !strings.Contains(errOut.String(), "wait=2s") {
		t.Errorf("log does not say it retries: %q", errOut.String())
	}

	calls := 0
	other := errors.New("bad schema")
	err = migrateRetrying(ctx, func(context.Context, string) error { calls++; return other }, "clickhouse://x:9000/db", time.Minute, slog.New(slog.DiscardHandler))
	if !errors.Is(err, other) || calls != 1 {
		t.Errorf("another error: %v after %d calls, want it after 1", err, calls)
	}
	calls = 0
	err = migrateRetrying(ctx, func(context.Context, string) error {
		calls++
		if calls < 3 {
			return fmt.Errorf("%w: not yet", clickhouse.ErrUnreachable)
		}
		return nil
	}, "clickhouse://x:9000/db", time.Minute, slog.New(slog.DiscardHandler))
	if err != nil || calls != 3 {
		t.Errorf("server answering at the third try: %v after %d calls", err, calls)
	}
}

// unsetenv removes k for the test (t.Setenv restores it afterwards).
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "")
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}
