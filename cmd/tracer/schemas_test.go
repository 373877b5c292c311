package main

import (
	"log/slog"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/schema"
	"github.com/eventscope/eventscope/store"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSchemaSourceFlags(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	for _, tc := range []struct {
		name    string
		s       schemaSource
		wantErr string
		wantNil bool
	}{
		{name: "none", wantNil: true},
		{name: "both sources", s: schemaSource{Registry: "http://127.0.0.1:1", Dir: dir}, wantErr: "not both"},
		{name: "bad url", s: schemaSource{Registry: "127.0.0.1:1"}, wantErr: "--schema-registry"},
		{name: "password twice", s: schemaSource{Registry: "http://127.0.0.1:1", User: "u", Password: "x", PasswordFile: pw}, wantErr: "not both"},
		{name: "basic and token", s: schemaSource{Registry: "http://127.0.0.1:1", User: "u", Token: "t"}, wantErr: "not both"},
		{name: "missing dir", s: schemaSource{Dir: filepath.Join(dir, "nope")}, wantErr: "--schema-dir"},
		{name: "registry", s: schemaSource{Registry: "http://127.0.0.1:1/apis/ccompat/v7", User: "u", PasswordFile: pw}},
		{name: "dir", s: schemaSource{Dir: dir}},
		{name: "bad ca", s: schemaSource{Registry: "https://127.0.0.1:1", TLSCAFile: pw}, wantErr: "tls"},
	} {
		d, err := tc.s.load()
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case (d == nil) != tc.wantNil:
			t.Errorf("%s: decoder %v", tc.name, d)
		}
	}
	s := schemaSource{Registry: "http://127.0.0.1:1", User: "u", PasswordFile: pw}
	if cfg, _ := s.registryConfig(); cfg.Password != "s3cret" {
		t.Errorf("password from file: %q", cfg.Password)
	}
}

// TestReadStoreKeepsOptionalInterfaces: wrapping the store for decode on
// read keeps what the pages type-assert (positions, insights).
func TestReadStoreKeepsOptionalInterfaces(t *testing.T) {
	st, err := openStore(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "e.db"), 0, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &config{}
	c.Decoding.event.Schemas = schema.NewDecoder(schema.Dir{}, schema.Options{})
	w := readStore(st, event.NewDecoder(c.Decoding.event), c)
	_, pos := st.(store.Positions)
	_, ins := st.(store.Insights)
	if _, ok := w.(store.Positions); ok != pos {
		t.Errorf("positions: wrapped %v, store %v", ok, pos)
	}
	if _, ok := w.(store.Insights); ok != ins {
		t.Errorf("insights: wrapped %v, store %v", ok, ins)
	}
	if _, ok := w.(redecodingStore); ok == (pos || ins) {
		t.Logf("wrapped as %T", w)
	}
}
