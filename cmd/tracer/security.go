package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/redact"
	"github.com/eventscope/eventscope/ui/auth"
)

// security holds the flags of HTTP auth and hardening, redaction, and the
// Kafka and ClickHouse client security. Secrets come from a flag's
// TRACER_* environment fallback (preferred: a command line shows in ps) or
// from a file (--*-file); they are never logged.
type security struct {
	Auth           string
	HtpasswdFile   string
	AuthToken      string
	AuthTokenFile  string
	ProxyHeader    string
	ProxyTrusted   string
	PublicPaths    string
	InsecureListen bool
	AllowedHosts   string
	MaxBodyBytes   int64
	RequestTimeout time.Duration
	SearchRate     float64
	SearchBurst    int

	RedactConfig     string
	RedactSecret     string
	RedactSecretFile string

	ClickHouseUser         string
	ClickHousePassword     string
	ClickHousePasswordFile string
	ClickHouseTLS          bool
	ClickHouseTLSInsecure  bool
	ClickHouseCluster      string
	ClickHouseQuorum       int

	KafkaTLS              bool
	KafkaTLSCAFile        string
	KafkaTLSCertFile      string
	KafkaTLSKeyFile       string
	KafkaTLSServerName    string
	KafkaTLSInsecure      bool
	KafkaSASLMechanism    string
	KafkaSASLUser         string
	KafkaSASLPassword     string
	KafkaSASLPasswordFile string

	// built by validate
	auth       auth.Config
	redactor   *redact.Redactor
	redactFile string         // where the rules came from
	sarama     *sarama.Config // nil: ingest's defaults
}

// registerHTTP adds the auth, hardening, redaction and ClickHouse flags
// (serve and demo).
func (s *security) registerHTTP(fs *flag.FlagSet) {
	fs.StringVar(&s.Auth, "auth", auth.ModeNone, "none, basic (--auth-htpasswd-file), token (TRACER_AUTH_TOKEN or --auth-token-file) or proxy (--auth-proxy-header from --auth-proxy-trusted)")
	fs.StringVar(&s.HtpasswdFile, "auth-htpasswd-file", "", "htpasswd file with bcrypt entries (htpasswd -B), for --auth basic")
	fs.StringVar(&s.AuthToken, "auth-token", "", "bearer tokens, comma-separated, for --auth token (secret: prefer TRACER_AUTH_TOKEN or --auth-token-file)")
	fs.StringVar(&s.AuthTokenFile, "auth-token-file", "", "file with one bearer token per line, for --auth token")
	fs.StringVar(&s.ProxyHeader, "auth-proxy-header", auth.DefaultProxyHeader, "header that carries the user name, for --auth proxy")
	fs.StringVar(&s.ProxyTrusted, "auth-proxy-trusted", "", "comma-separated CIDRs the trusted proxy connects from, for --auth proxy")
	fs.StringVar(&s.PublicPaths, "public-paths", strings.Join(auth.DefaultPublicPaths, ","), "comma-separated paths served without auth (add /metrics to let Prometheus scrape without credentials)")
	fs.BoolVar(&s.InsecureListen, "insecure-listen", false, "allow --auth none on a non-loopback --http-addr (anyone who reaches the port sees every event)")
	fs.StringVar(&s.AllowedHosts, "allowed-hosts", "", "comma-separated host names served besides localhost and loopback addresses (and any IP address when not on loopback): name, .suffix for subdomains, or * for any; other Host headers get 421 (DNS rebinding)")
	fs.Int64Var(&s.MaxBodyBytes, "max-body-bytes", auth.DefaultMaxBodyBytes, "largest request body accepted")
	fs.DurationVar(&s.RequestTimeout, "request-timeout", auth.DefaultRequestTimeout, "deadline of each request (not of the /api/live stream); negative: none")
	fs.Float64Var(&s.SearchRate, "search-rate", auth.DefaultSearchRate, "searches per second allowed per client address on /search and /api/flows; negative: unlimited")
	fs.IntVar(&s.SearchBurst, "search-burst", auth.DefaultSearchBurst, "searches a client may make at once before --search-rate applies")

	fs.StringVar(&s.RedactConfig, "redact-config", "", "YAML file whose redaction: section masks or drops headers and JSON paths before storage")
	fs.StringVar(&s.RedactSecret, "redact-secret", "", "key of the masking hash, at least 16 bytes (secret: prefer TRACER_REDACT_SECRET or --redact-secret-file)")
	fs.StringVar(&s.RedactSecretFile, "redact-secret-file", "", "file holding the masking hash key")

	fs.StringVar(&s.ClickHouseUser, "clickhouse-user", "", "ClickHouse user (overrides the one in --store)")
	fs.StringVar(&s.ClickHousePassword, "clickhouse-password", "", "ClickHouse password (secret: prefer TRACER_CLICKHOUSE_PASSWORD or --clickhouse-password-file)")
	fs.StringVar(&s.ClickHousePasswordFile, "clickhouse-password-file", "", "file holding the ClickHouse password")
	fs.BoolVar(&s.ClickHouseTLS, "clickhouse-tls", false, "connect to ClickHouse over TLS (native secure port, usually 9440)")
	fs.BoolVar(&s.ClickHouseTLSInsecure, "clickhouse-tls-insecure-skip-verify", false, "do not verify ClickHouse's certificate (testing only)")
	fs.StringVar(&s.ClickHouseCluster, "clickhouse-cluster", "", "ClickHouse cluster (remote_servers) to keep the schema on: replicated tables per shard, Distributed tables over them, DDL sent to every node (docs/DEPLOY.md); same value for migrate and serve")
	fs.IntVar(&s.ClickHouseQuorum, "clickhouse-insert-quorum", 0, "with --clickhouse-cluster: replicas of a shard that must hold a write before it counts as stored (ClickHouse insert_quorum; 2 survives losing a replica right after a write, but writes to a shard stop while fewer replicas are up); 0: one")
}

// registerKafka adds the Kafka client security flags (serve).
func (s *security) registerKafka(fs *flag.FlagSet) {
	fs.BoolVar(&s.KafkaTLS, "kafka-tls", false, "connect to the brokers over TLS (implied by any other --kafka-tls-* flag)")
	fs.StringVar(&s.KafkaTLSCAFile, "kafka-tls-ca-file", "", "PEM CA certificates that sign the brokers' certificates (default: the system roots)")
	fs.StringVar(&s.KafkaTLSCertFile, "kafka-tls-cert-file", "", "PEM client certificate (mutual TLS)")
	fs.StringVar(&s.KafkaTLSKeyFile, "kafka-tls-key-file", "", "PEM key of the client certificate")
	fs.StringVar(&s.KafkaTLSServerName, "kafka-tls-server-name", "", "server name to verify instead of the broker host")
	fs.BoolVar(&s.KafkaTLSInsecure, "kafka-tls-insecure-skip-verify", false, "do not verify the brokers' certificates (testing only)")
	fs.StringVar(&s.KafkaSASLMechanism, "kafka-sasl-mechanism", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (empty: no SASL)")
	fs.StringVar(&s.KafkaSASLUser, "kafka-sasl-user", "", "SASL user name")
	fs.StringVar(&s.KafkaSASLPassword, "kafka-sasl-password", "", "SASL password (secret: prefer TRACER_KAFKA_SASL_PASSWORD or --kafka-sasl-password-file)")
	fs.StringVar(&s.KafkaSASLPasswordFile, "kafka-sasl-password-file", "", "file holding the SASL password")
}

// checkListen refuses an unauthenticated server on anything but loopback
// unless insecure is set.
func checkListen(addr, mode string, insecure bool) error {
	if mode != auth.ModeNone || insecure {
		return nil
	}
	loopback, err := isLoopback(addr)
	if err != nil || loopback {
		return err
	}
	return fmt.Errorf("--http-addr %s is not a loopback address and --auth is none: set --auth basic, token or proxy, or --insecure-listen to serve every event to anyone who reaches the port", addr)
}

// isLoopback reports whether the listen address addr is on loopback only.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("--http-addr %q: want host:port", addr)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// validateHTTP checks the auth flags and loads their files, and builds the
// redactor from --redact-config, else from the --config file's redaction:
// section when it has one.
func (s *security) validateHTTP(httpAddr, configFile string) error {
	if err := checkListen(httpAddr, s.Auth, s.InsecureListen); err != nil {
		return err
	}
	a := auth.Config{
		Mode: s.Auth, ProxyHeader: s.ProxyHeader, PublicPaths: splitList(s.PublicPaths),
		MaxBodyBytes: s.MaxBodyBytes, RequestTimeout: s.RequestTimeout,
		SearchRate: s.SearchRate, SearchBurst: s.SearchBurst,
	}
	loopback, err := isLoopback(httpAddr)
	if err != nil {
		return err
	}
	a.Hosts = auth.Hosts{Check: true, Loopback: loopback, Allowed: splitList(s.AllowedHosts)}
	if a.PublicPaths == nil {
		a.PublicPaths = []string{}
	}
	if a.ProxyTrusted, err = auth.ParsePrefixes(s.ProxyTrusted); err != nil {
		return fmt.Errorf("--auth-proxy-trusted: %w", err)
	}
	switch s.Auth {
	case auth.ModeBasic:
		if s.HtpasswdFile == "" {
			return errors.New("--auth basic needs --auth-htpasswd-file (make one with htpasswd -B -c FILE USER)")
		}
		f, err := os.Open(s.HtpasswdFile)
		if err != nil {
			return fmt.Errorf("--auth-htpasswd-file: %w", err)
		}
		defer f.Close()
		if a.Users, err = auth.ParseHtpasswd(f); err != nil {
			return fmt.Errorf("--auth-htpasswd-file %s: %w", s.HtpasswdFile, err)
		}
	case auth.ModeToken:
		tokens, err := secretValue("auth-token", s.AuthToken, s.AuthTokenFile)
		if err != nil {
			return err
		}
		a.Tokens = auth.ParseTokens(tokens)
	}
	if _, err := auth.Middleware(a); err != nil {
		return fmt.Errorf("--auth %s: %w", s.Auth, err)
	}
	s.auth = a
	return s.buildRedactor(configFile)
}

func (s *security) buildRedactor(configFile string) error {
	file, flagName := s.RedactConfig, "--redact-config"
	if file == "" {
		file, flagName = configFile, "--config"
	}
	if file == "" {
		return nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	cfg, err := redact.ParseConfig(b)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flagName, file, err)
	}
	if len(cfg.Rules) == 0 && flagName == "--config" {
		return nil // a decoding config without redaction
	}
	secret, err := secretValue("redact-secret", s.RedactSecret, s.RedactSecretFile)
	if err != nil {
		return err
	}
	if s.redactor, err = redact.New(cfg, []byte(secret)); err != nil {
		return fmt.Errorf("%s %s: %w", flagName, file, err)
	}
	s.redactFile = file
	return nil
}

// secretValue is the value of a secret flag or the content of its -file
// twin (trailing newline trimmed), not both.
func secretValue(name, value, file string) (string, error) {
	switch {
	case value != "" && file != "":
		return "", fmt.Errorf("give --%s (or %s) or --%s-file, not both", name, envName(name), name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--%s-file: %w", name, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("--%s-file %s is empty", name, file)
		}
		return v, nil
	}
	return value, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// maskDSN hides the password of a DSN (user:pass@ and password= parameters).
func maskDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "***"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	q := u.Query()
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			q.Set(k, "***")
		}
	}
	u.RawQuery = q.Encode()
	return strings.Replace(u.String(), "%2A%2A%2A", "***", -1)
}

// isSecretFlag names the flags whose values are never shown.
func isSecretFlag(name string) bool {
	if strings.HasSuffix(name, "-file") {
		return false
	}
	for _, w := range []string{"password", "token", "secret"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// logConfig logs every flag's effective value once at start, secrets as
// "***" and DSNs without their password.
func logConfig(log *slog.Logger, fs *flag.FlagSet) {
	var attrs []any
	fs.VisitAll(func(f *flag.Flag) {
		v := f.Value.String()
		switch {
		case v != "" && isSecretFlag(f.Name):
			v = "***"
		case f.Name == "store":
			v = maskDSN(v)
		}
		attrs = append(attrs, slog.String(strings.ReplaceAll(f.Name, "-", "_"), v))
	})
	log.Info("config", attrs...)
}
