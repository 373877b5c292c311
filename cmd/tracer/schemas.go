package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/ingest"
	"github.com/eventscope/eventscope/schema"
	"github.com/eventscope/eventscope/store"
)

// schemaSource is the part of the config that says where Avro, Protobuf
// and JSON Schema payloads find their schemas: a registry or a directory.
type schemaSource struct {
	Registry        string
	User            string
	Password        string
	PasswordFile    string
	Token           string
	TokenFile       string
	TLSCAFile       string
	TLSCertFile     string
	TLSKeyFile      string
	TLSServerName   string
	TLSInsecure     bool
	Dir             string
	CacheSize       int
	RegistryTimeout time.Duration
}

func (s *schemaSource) register(fs *flag.FlagSet) {
	fs.StringVar(&s.Registry, "schema-registry", "", "Confluent-compatible schema registry URL (e.g. http://host:8081, Apicurio: .../apis/ccompat/v7): Avro, Protobuf and JSON Schema payloads and keys are decoded to JSON")
	fs.StringVar(&s.User, "schema-registry-user", "", "basic-auth user of the schema registry")
	fs.StringVar(&s.Password, "schema-registry-password", "", "basic-auth password of the schema registry")
	fs.StringVar(&s.PasswordFile, "schema-registry-password-file", "", "file holding the schema registry password")
	fs.StringVar(&s.Token, "schema-registry-token", "", "bearer token for the schema registry")
	fs.StringVar(&s.TokenFile, "schema-registry-token-file", "", "file holding the schema registry bearer token")
	fs.StringVar(&s.TLSCAFile, "schema-registry-tls-ca-file", "", "PEM CA certificates of the registry's certificate (default: the system roots)")
	fs.StringVar(&s.TLSCertFile, "schema-registry-tls-cert-file", "", "PEM client certificate (mutual TLS)")
	fs.StringVar(&s.TLSKeyFile, "schema-registry-tls-key-file", "", "PEM key of the client certificate")
	fs.StringVar(&s.TLSServerName, "schema-registry-tls-server-name", "", "server name to verify instead of the registry host")
	fs.BoolVar(&s.TLSInsecure, "schema-registry-tls-insecure-skip-verify", false, "do not verify the registry's certificate (testing only)")
	fs.StringVar(&s.Dir, "schema-dir", "", "directory of schema files named by ID (7.avsc, 8.proto, 9.desc, 10.json), when there is no registry")
	fs.IntVar(&s.CacheSize, "schema-cache-size", schema.DefaultCacheSize, "compiled schemas kept in memory, at most")
	fs.DurationVar(&s.RegistryTimeout, "schema-registry-timeout", schema.DefaultTimeout, "longest one schema fetch may hold up ingest; failures are retried with backoff, records stored meanwhile decode on read")
}

// load builds the schema decoder, or nil when no source is given.
func (s *schemaSource) load() (event.FramedDecoder, error) {
	var src schema.Source
	switch {
	case s.Registry != "" && s.Dir != "":
		return nil, fmt.Errorf("give --schema-registry or --schema-dir, not both")
	case s.Dir != "":
		d, err := schema.NewDir(s.Dir)
		if err != nil {
			return nil, fmt.Errorf("--schema-dir: %w", err)
		}
		src = d
	case s.Registry != "":
		cfg, err := s.registryConfig()
		if err != nil {
			return nil, err
		}
		r, err := schema.NewRegistry(cfg)
		if err != nil {
			return nil, fmt.Errorf("--schema-registry: %w", err)
		}
		src = r
	default:
		return nil, nil
	}
	return schema.NewDecoder(src, schema.Options{CacheSize: s.CacheSize, Timeout: s.RegistryTimeout}), nil
}

func (s *schemaSource) registryConfig() (schema.RegistryConfig, error) {
	pw, err := secretValue("schema-registry-password", s.Password, s.PasswordFile)
	if err != nil {
		return schema.RegistryConfig{}, err
	}
	tok, err := secretValue("schema-registry-token", s.Token, s.TokenFile)
	if err != nil {
		return schema.RegistryConfig{}, err
	}
	if s.User != "" && tok != "" {
		return schema.RegistryConfig{}, fmt.Errorf("give --schema-registry-user (basic auth) or --schema-registry-token, not both")
	}
	client := &http.Client{Timeout: s.RegistryTimeout}
	if s.TLSCAFile != "" || s.TLSCertFile != "" || s.TLSKeyFile != "" || s.TLSServerName != "" || s.TLSInsecure {
		tc, err := tlsConfig(s.TLSCAFile, s.TLSCertFile, s.TLSKeyFile, s.TLSServerName, s.TLSInsecure)
		if err != nil {
			return schema.RegistryConfig{}, fmt.Errorf("schema registry tls: %w", err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = tc
		client.Transport = tr
	}
	return schema.RegistryConfig{URL: s.Registry, Username: s.User, Password: pw, Token: tok, Client: client}, nil
}

// reindexer stores again, decoded, the records stored while their schema
// could not be had; nil when no schema source is set or the store cannot
// rewrite records.
func reindexer(st store.Store, dec *event.Decoder, c *config, log *slog.Logger) *ingest.Reindexer {
	w, ok := c.Decoding.event.Schemas.(ingest.SchemaWaiter)
	rw, canRewrite := st.(store.Rewriter)
	if !ok || !canRewrite {
		return nil
	}
	// dec redacts what it decodes (decoderConfig).
	return ingest.NewReindexer(ingest.ReindexConfig{Store: rw, Decoder: dec, Schemas: w}, log)
}

// redecodingStore decodes on read the events stored while the schema
// source did not answer (event.NeedsSchema); dec redacts them like ingest
// (decoderConfig).
type redecodingStore struct {
	store.Store
	dec *event.Decoder
}

// readStore wraps st so that pages see decoded payloads; st itself when
// no schema source is configured.
// Unwrap hands out the wrapped store: the UI finds the optional
// interfaces not repeated here (store.Failures, store.Audit) through it.
func (r redecodingStore) Unwrap() store.Store { return r.Store }

func readStore(st store.Store, dec *event.Decoder, c *config) store.Store {
	if c.Decoding.event.Schemas == nil {
		return st
	}
	r := redecodingStore{Store: st, dec: dec}
	// Keep the optional interfaces the pages look for.
	pos, hasPos := st.(store.Positions)
	ins, hasIns := st.(store.Insights)
	switch {
	case hasPos && hasIns:
		return struct {
			redecodingStore
			store.Positions
			store.Insights
		}{r, pos, ins}
	case hasPos:
		return struct {
			redecodingStore
			store.Positions
		}{r, pos}
	case hasIns:
		return struct {
			redecodingStore
			store.Insights
		}{r, ins}
	}
	return r
}

func (s redecodingStore) redecode(evs []event.Event) {
	for i := range evs {
		event.FillSchemaID(&evs[i])
		if n, ok := s.dec.Redecode(evs[i]); ok {
			evs[i] = n
		}
	}
}

func (s redecodingStore) Flow(ctx context.Context, flowID string) ([]event.Event, error) {
	evs, err := s.Store.Flow(ctx, flowID)
	s.redecode(evs)
	return evs, err
}

func (s redecodingStore) EventsByID(ctx context.Context, id string) ([]event.Event, error) {
	evs, err := s.Store.EventsByID(ctx, id)
	s.redecode(evs)
	return evs, err
}
