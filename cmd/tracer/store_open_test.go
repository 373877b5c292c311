package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestStoreFlagChecked checks that --store is validated at start by the
// backend it names, with the message a user needs.
func TestStoreFlagChecked(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string // "" for valid
	}{
		{args: []string{"--store", "sqlite://./x.db"}},
		{args: []string{"--store", "clickhouse://ch:9000/es", "--retention", "7d"}},
		{args: []string{"--store", "postgres://db/x"}, wantErr: `--store "postgres://db/x": no store for this DSN: want sqlite://PATH or clickhouse://user:pass@host:9000/db`},
		{args: []string{"--store", "sqlite://"}, wantErr: `bad path ""`},
		{args: []string{"--store", "clickhouse://ch:9000/no-dash"}, wantErr: `database name "no-dash"`},
		{args: []string{"--store", "clickhouse://u:s3cret@ch:9000/no-dash"}, wantErr: `--store "clickhouse://u:***@ch:9000/no-dash"`},
		{args: []string{"--store", "sqlite://./x.db", "--retention", "7d"},
			wantErr: "--retention 7d: the embedded store keeps everything; only clickhouse://user:pass@host:9000/db drops old events"},
		{args: []string{"--store", "sqlite://./x.db", "--text-index", "--field-index"}},
		{args: []string{"--store", "clickhouse://ch:9000/es", "--text-index"},
			wantErr: "--text-index, --field-index: the ClickHouse store has no optional payload indexes; only sqlite://PATH"},
	}
	for _, tc := range tests {
		_, err := parseServe(t, append(tc.args, "--brokers", "k:9092")...)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: got %v, want an error with %q", tc.args, err, tc.wantErr)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("%q: the error shows the password: %v", tc.args, err)
		}
	}
}

// TestOpenStoreError checks that a failed open is a nil store.Store (not a
// nil pointer inside one) with the backend named.
func TestOpenStoreError(t *testing.T) {
	st, err := openStore(context.Background(), "sqlite://"+t.TempDir(), 0, nil, slog.New(slog.DiscardHandler))
	if err == nil || st != nil || !strings.HasPrefix(err.Error(), "open embedded store: ") {
		t.Errorf("openStore(a directory) = %v, %v", st, err)
	}
}

// TestPayloadIndexFlags checks that serve passes the index flags to the
// embedded store (off unless given) and that other commands leave them.
func TestPayloadIndexFlags(t *testing.T) {
	c, err := parseServe(t, "--store", "sqlite://./x.db", "--brokers", "k:9092", "--field-index")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.payloadIndexes(); got == nil || got.Text || !got.Fields {
		t.Errorf("payloadIndexes() = %+v, want text off, fields on", got)
	}
	c, err = parseServe(t, "--store", "clickhouse://ch:9000/es", "--brokers", "k:9092")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.payloadIndexes(); got != nil {
		t.Errorf("payloadIndexes() on ClickHouse = %+v, want nil", got)
	}
}
