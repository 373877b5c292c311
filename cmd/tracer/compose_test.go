package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Docker is not available where the tests run: these tests check the
// compose file and the Dockerfile by reading them, and check every tracer
// command in the compose file against the binary's real flag sets.

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string                    `yaml:"image"`
	Build       *struct{ Context string } `yaml:"build"`
	Command     []string                  `yaml:"command"`
	Environment map[string]string         `yaml:"environment"`
	Ports       []string                  `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test     []string `yaml:"test"`
		Interval string   `yaml:"interval"`
		Retries  int      `yaml:"retries"`
	} `yaml:"healthcheck"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return cf
}

// interpolate resolves ${VAR:-default} as compose would with VAR unset.
var interpolation = regexp.MustCompile(`\$\{([A-Z_]+):-([^}]*)\}`)

func interpolate(s string) string { return interpolation.ReplaceAllString(s, "$2") }

func TestComposeServices(t *testing.T) {
	cf := loadCompose(t)
	want := []string{"clickhouse", "kafka", "migrate", "simulator", "tracer"}
	got := make([]string, 0, len(cf.Services))
	for name := range cf.Services {
		got = append(got, name)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("services %v, want %v", got, want)
	}
	if img := cf.Services["kafka"].Image; !strings.HasPrefix(img, "apache/kafka:4.") {
		t.Errorf("kafka image %q: want the official apache/kafka:4.x", img)
	}
	if env := cf.Services["kafka"].Environment; env["KAFKA_PROCESS_ROLES"] != "broker,controller" || env["KAFKA_ADVERTISED_LISTENERS"] != "PLAINTEXT://kafka:9092" {
		t.Errorf("kafka: want a KRaft combined node advertised as kafka:9092, env %v", env)
	}
	if img := cf.Services["clickhouse"].Image; !regexp.MustCompile(`^clickhouse/clickhouse-server:\d+\.\d+`).MatchString(img) {
		t.Errorf("clickhouse image %q: want the official clickhouse/clickhouse-server with a pinned version", img)
	}
	for _, name := range []string{"migrate", "tracer", "simulator"} {
		s := cf.Services[name]
		if s.Build == nil || s.Build.Context != "." || s.Image != "eventscope/tracer:dev" {
			t.Errorf("%s: want built from the repository's Dockerfile as eventscope/tracer:dev, got build %v image %q", name, s.Build, s.Image)
		}
	}
	if ports := cf.Services["tracer"].Ports; !slices.Equal(ports, []string{"127.0.0.1:8080:8080"}) {
		t.Errorf("tracer ports %v, want the UI on the host's loopback 8080 only", ports)
	}
	for _, name := range []string{"kafka", "clickhouse", "tracer"} {
		hc := cf.Services[name].Healthcheck
		if hc == nil || len(hc.Test) < 2 || hc.Interval == "" || hc.Retries < 1 {
			t.Errorf("%s: want a health check with a test, an interval and retries, got %+v", name, hc)
		}
	}
	if hc := cf.Services["tracer"].Healthcheck; hc != nil && !strings.Contains(strings.Join(hc.Test, " "), "http://127.0.0.1:8080/healthz") {
		t.Errorf("tracer health check %v: want /healthz", hc.Test)
	}
}

// TestComposeStartOrder checks every dependency waits for the right
// condition and that the order has no cycle.
func TestComposeStartOrder(t *testing.T) {
	cf := loadCompose(t)
	want := map[string]map[string]string{
		"migrate":   {"clickhouse": "service_healthy"},
		"tracer":    {"kafka": "service_healthy", "migrate": "service_completed_successfully"},
		"simulator": {"kafka": "service_healthy", "tracer": "service_healthy"},
	}
	for svc, deps := range want {
		for dep, cond := range deps {
			if got := cf.Services[svc].DependsOn[dep].Condition; got != cond {
				t.Errorf("%s depends on %s with condition %q, want %q", svc, dep, got, cond)
			}
		}
	}
	// Kahn's algorithm: every service must get started.
	indeg := map[string]int{}
	for name, s := range cf.Services {
		indeg[name] += 0
		for dep := range s.DependsOn {
			if _, ok := cf.Services[dep]; !ok {
				t.Errorf("%s depends on unknown service %s", name, dep)
			}
			indeg[name]++
		}
	}
	var order []string
	for len(order) < len(cf.Services) {
		progressed := false
		for name, n := range indeg {
			if n != 0 || slices.Contains(order, name) {
				continue
			}
			order = append(order, name)
			progressed = true
			for other, s := range cf.Services {
				if _, ok := s.DependsOn[name]; ok {
					indeg[other]--
				}
			}
		}
		if !progressed {
			t.Fatalf("depends_on has a cycle; started so far: %v", order)
		}
	}
}

// flagsOf lists a subcommand's flags as its -h usage prints them, so the
// list comes from the flag set the command really builds.
func flagsOf(t *testing.T, cmd string) map[string]bool {
	t.Helper()
	var stderr bytes.Buffer
	for _, c := range commands() {
		if c.name == cmd {
			err := c.run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &stderr)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("%s -h: %v", cmd, err)
			}
		}
	}
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  --([a-z0-9-]+)  \[`).FindAllStringSubmatch(stderr.String(), -1) {
		flags[m[1]] = true
	}
	if len(flags) == 0 {
		t.Fatalf("no flags found in `tracer %s -h`:\n%s", cmd, stderr.String())
	}
	return flags
}

// TestComposeTracerFlags checks every flag and TRACER_* variable the
// compose file gives a tracer command exists in that command's flag set.
func TestComposeTracerFlags(t *testing.T) {
	cf := loadCompose(t)
	for _, name := range []string{"migrate", "tracer", "simulator"} {
		s := cf.Services[name]
		if len(s.Command) == 0 {
			t.Errorf("%s: no command", name)
			continue
		}
		sub := s.Command[0]
		flags := flagsOf(t, sub)
		for _, arg := range s.Command[1:] {
			f, ok := strings.CutPrefix(arg, "--")
			if !ok {
				continue
			}
			f, _, _ = strings.Cut(f, "=")
			if !flags[f] {
				t.Errorf("%s: `tracer %s` has no flag --%s", name, sub, f)
			}
		}
		envs := map[string]bool{}
		for f := range flags {
			envs[envName(f)] = true
		}
		for k := range s.Environment {
			if strings.HasPrefix(k, "TRACER_") && !envs[k] {
				t.Errorf("%s: %s matches no flag of `tracer %s`", name, k, sub)
			}
		}
	}
}

// TestComposeTracerConfigValid runs the tracer service's command line and
// environment through serve's real validation: the stack would start.
func TestComposeTracerConfigValid(t *testing.T) {
	s := loadCompose(t).Services["tracer"]
	if s.Command[0] != "serve" {
		t.Fatalf("tracer command %v: want serve", s.Command)
	}
	for k, v := range s.Environment {
		t.Setenv(k, interpolate(v))
	}
	c, err := parseServe(t, s.Command[1:]...)
	if err != nil {
		t.Fatalf("the compose tracer would not start: %v", err)
	}
	if !strings.HasPrefix(c.storeDSN, "clickhouse://") || !slices.Equal(c.brokers, []string{"kafka:9092"}) || c.HTTPAddr != "0.0.0.0:8080" {
		t.Errorf("store %q brokers %v http %q", maskDSN(c.storeDSN), c.brokers, c.HTTPAddr)
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	var froms, users []string
	for _, line := range strings.Split(df, "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && strings.EqualFold(fields[0], "FROM") {
			froms = append(froms, fields[1])
		}
		if len(fields) >= 2 && strings.EqualFold(fields[0], "USER") {
			users = append(users, fields[1])
		}
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:") {
		t.Errorf("stages %v: want a multi-stage build from golang", froms)
	}
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/tracer", "COPY --from=build"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if len(users) == 0 {
		t.Fatal("Dockerfile runs as root: want a USER")
	}
	if u := users[len(users)-1]; u == "root" || u == "0" || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root:") {
		t.Errorf("final USER %q: want a non-root user", u)
	}
	if _, err := os.Stat("../../.dockerignore"); err != nil {
		t.Errorf(".dockerignore: %v", err)
	}
}

// TestComposePassword: the ClickHouse password reaches migrate and the
// tracer apart from the DSN, so a password with @ : / ? works, and the
// DSN they build carries it intact; migrate waits for the server.
func TestComposePassword(t *testing.T) {
	const pw = "p@ss:w/rd?x"
	cf := loadCompose(t)
	for _, name := range []string{"migrate", "tracer"} {
		s := cf.Services[name]
		if strings.Contains(s.Environment["TRACER_STORE"], "CLICKHOUSE_PASSWORD") {
			t.Errorf("%s: the password is in the DSN: %s", name, s.Environment["TRACER_STORE"])
		}
		if s.Environment["TRACER_CLICKHOUSE_PASSWORD"] != "${CLICKHOUSE_PASSWORD:-eventscope}" {
			t.Errorf("%s: TRACER_CLICKHOUSE_PASSWORD = %q", name, s.Environment["TRACER_CLICKHOUSE_PASSWORD"])
		}
	}
	m := cf.Services["migrate"]
	for k, v := range m.Environment {
		t.Setenv(k, strings.ReplaceAll(v, "${CLICKHOUSE_PASSWORD:-eventscope}", pw))
	}
	dsn, wait, err := parseMigrate(m.Command[1:], io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := u.User.Password(); got != pw || u.Host != "clickhouse:9000" || u.Path != "/eventscope" {
		t.Errorf("migrate's DSN has password %q host %q path %q", got, u.Host, u.Path)
	}
	if wait < 60*time.Second {
		t.Errorf("migrate waits %v for ClickHouse, want 60s", wait)
	}
}
