package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RegistryConfig says how to reach a Confluent-compatible schema registry
// (Confluent, Apicurio's /apis/ccompat/v7, Karapace, Redpanda).
type RegistryConfig struct {
	// URL is the API's base, e.g. http://127.0.0.1:8081 or
	// http://host/apis/ccompat/v7.
	URL string
	// Username and Password make a basic-auth request when Username is set.
	Username, Password string
	// Token is sent as a bearer token when set (and no Username is).
	Token string
	// Client carries the TLS settings; nil: a client with a 5 s timeout.
	Client *http.Client
}

// Registry is a Source that asks a schema registry over HTTP.
type Registry struct {
	base   string
	cfg    RegistryConfig
	client *http.Client
}

var _ Source = (*Registry)(nil)

// NewRegistry checks cfg's URL and returns a Registry for it.
func NewRegistry(cfg RegistryConfig) (*Registry, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("schema registry url %q: want http(s)://host[:port][/path]", cfg.URL)
	}
	c := cfg.Client
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	return &Registry{base: strings.TrimRight(cfg.URL, "/"), cfg: cfg, client: c}, nil
}

// registered is a schema as the registry's JSON gives it.
type registered struct {
	Subject    string      `json:"subject"`
	Version    int         `json:"version"`
	ID         int32       `json:"id"`
	Schema     string      `json:"schema"`
	SchemaType string      `json:"schemaType"`
	References []Reference `json:"references"`
}

func (r registered) schema() Schema {
	t := strings.ToUpper(r.SchemaType)
	if t == "" {
		t = TypeAvro
	}
	return Schema{ID: r.ID, Type: t, Text: r.Schema, Subject: r.Subject, Version: r.Version, References: r.References}
}

// ByID asks GET /schemas/ids/{id}, then which subject version it is
// (GET /schemas/ids/{id}/versions; left empty when that fails).
func (g *Registry) ByID(ctx context.Context, id int32) (Schema, error) {
	var r registered
	if err := g.get(ctx, "/schemas/ids/"+strconv.Itoa(int(id)), &r); err != nil {
		return Schema{}, err
	}
	r.ID = id
	s := r.schema()
	var vs []struct {
		Subject string `json:"subject"`
		Version int    `json:"version"`
	}
	if g.get(ctx, "/schemas/ids/"+strconv.Itoa(int(id))+"/versions", &vs) == nil && len(vs) > 0 {
		s.Subject, s.Version = vs[0].Subject, vs[0].Version
	}
	return s, nil
}

// BySubject asks GET /subjects/{subject}/versions/{version}.
func (g *Registry) BySubject(ctx context.Context, subject string, version int) (Schema, error) {
	v := "latest"
	if version > 0 {
		v = strconv.Itoa(version)
	}
	var r registered
	if err := g.get(ctx, "/subjects/"+url.PathEscape(subject)+"/versions/"+v, &r); err != nil {
		return Schema{}, err
	}
	return r.schema(), nil
}

func (g *Registry) get(ctx context.Context, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.base+path, nil)
	if err != nil {
		return fmt.Errorf("schema registry: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/json")
	switch {
	case g.cfg.Username != "":
		req.SetBasicAuth(g.cfg.Username, g.cfg.Password)
	case g.cfg.Token != "":
		req.Header.Set("Authorization", "Bearer "+g.cfg.Token)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return fmt.Errorf("schema registry: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("schema registry GET %s: %w", path, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("schema registry GET %s: %w", path, ErrNotFound)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("schema registry GET %s: %s: %.200s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("schema registry GET %s: %w", path, err)
	}
	return nil
}
