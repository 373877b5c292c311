package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/redact"
	"github.com/eventscope/eventscope/ui/auth"
)

// parseServe parses serve's flags (with their TRACER_* fallbacks) and
// validates them, as runServe does.
func parseServe(t *testing.T, args ...string) (*config, error) {
	t.Helper()
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.registerServer(fs)
	c.registerKafka(fs)
	if err := parseFlags(fs, args, io.Discard); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return &c, c.validate(true)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	writeFileAt(t, p, content)
	return p
}

func writeFileAt(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr, mode string
		insecure   bool
		wantErr    bool
	}{
		{addr: "127.0.0.1:8080", mode: "none"},
		{addr: "127.0.0.2:0", mode: "none"},
		{addr: "[::1]:8080", mode: "none"},
		{addr: "localhost:8080", mode: "none"},
		{addr: "0.0.0.0:8080", mode: "none", wantErr: true},
		{addr: ":8080", mode: "none", wantErr: true},
		{addr: "[::]:8080", mode: "none", wantErr: true},
		{addr: "10.1.2.3:8080", mode: "none", wantErr: true},
		{addr: "tracer.example:8080", mode: "none", wantErr: true},
		{addr: "0.0.0.0:8080", mode: "none", insecure: true},
		{addr: "0.0.0.0:8080", mode: "token"},
		{addr: ":8080", mode: "basic"},
	}
	for _, tt := range tests {
		err := checkListen(tt.addr, tt.mode, tt.insecure)
		if (err != nil) != tt.wantErr {
			t.Errorf("checkListen(%q, %s, insecure=%v) = %v, want error %v", tt.addr, tt.mode, tt.insecure, err, tt.wantErr)
		}
	}
}

// TestLoopbackRefusal checks the refusal through serve's real flags: a
// one-line error that names the way out.
func TestLoopbackRefusal(t *testing.T) {
	_, err := parseServe(t, "--brokers", "k:9092", "--http-addr", "0.0.0.0:8080")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--insecure-listen") || !strings.Contains(err.Error(), "--auth") {
		t.Fatalf("err = %v, want one line naming --auth and --insecure-listen", err)
	}
	if _, err := parseServe(t, "--brokers", "k:9092", "--http-addr", "0.0.0.0:8080", "--insecure-listen"); err != nil {
		t.Errorf("with --insecure-listen: %v", err)
	}
	t.Setenv("TRACER_INSECURE_LISTEN", "true")
	if _, err := parseServe(t, "--brokers", "k:9092", "--http-addr", "0.0.0.0:8080"); err != nil {
		t.Errorf("with TRACER_INSECURE_LISTEN=true: %v", err)
	}
}

func TestAuthFlags(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	htpasswd := writeFile(t, "htpasswd", "alice:"+string(hash)+"\n")
	md5 := writeFile(t, "htpasswd.md5", "alice:$apr1$x$y\n")
	const tok = "0123456789abcdef0123456789abcdef"
	tokFile := writeFile(t, "tokens", tok+"\n# old\nfedcba9876543210fedcba9876543210\n")
	base := []string{"--brokers", "k:9092", "--http-addr", "0.0.0.0:8080"}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		check   func(t *testing.T, a auth.Config)
	}{
		{name: "basic", args: []string{"--auth", "basic", "--auth-htpasswd-file", htpasswd},
			check: func(t *testing.T, a auth.Config) {
				if len(a.Users) != 1 || a.Users["alice"] == nil {
					t.Errorf("users %v", a.Users)
				}
			}},
		{name: "basic without file", args: []string{"--auth", "basic"}, wantErr: "--auth-htpasswd-file"},
		{name: "basic md5", args: []string{"--auth", "basic", "--auth-htpasswd-file", md5}, wantErr: "not a bcrypt hash"},
		{name: "token from env", env: map[string]string{"TRACER_AUTH": "token", "TRACER_AUTH_TOKEN": tok},
			check: func(t *testing.T, a auth.Config) {
				if len(a.Tokens) != 1 || a.Tokens[0] != tok {
					t.Errorf("tokens %q", a.Tokens)
				}
			}},
		{name: "token from file", args: []string{"--auth", "token", "--auth-token-file", tokFile},
			check: func(t *testing.T, a auth.Config) {
				if len(a.Tokens) != 2 {
					t.Errorf("tokens %q", a.Tokens)
				}
			}},
		{name: "token twice", env: map[string]string{"TRACER_AUTH_TOKEN": tok}, args: []string{"--auth", "token", "--auth-token-file", tokFile}, wantErr: "not both"},
		{name: "token short", args: []string{"--auth", "token", "--auth-token", "abc"}, wantErr: "shorter than 16"},
		{name: "token none", args: []string{"--auth", "token"}, wantErr: "no tokens"},
		{name: "proxy", args: []string{"--auth", "proxy", "--auth-proxy-trusted", "10.0.0.0/8,192.168.0.1", "--public-paths", "/healthz,/metrics"},
			check: func(t *testing.T, a auth.Config) {
				if len(a.ProxyTrusted) != 2 || a.ProxyHeader != "X-Forwarded-User" || strings.Join(a.PublicPaths, ",") != "/healthz,/metrics" {
					t.Errorf("proxy config %+v", a)
				}
			}},
		{name: "proxy untrusted everything", args: []string{"--auth", "proxy"}, wantErr: "no trusted proxy networks"},
		{name: "proxy bad cidr", args: []string{"--auth", "proxy", "--auth-proxy-trusted", "10.0.0.0/99"}, wantErr: "--auth-proxy-trusted"},
		{name: "unknown mode", args: []string{"--auth", "oauth"}, wantErr: `auth mode "oauth"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := parseServe(t, append(base, tt.args...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c.sec.auth)
		})
	}
}

func TestRedactFlags(t *testing.T) {
	cfgFile := writeFile(t, "tracer.yaml", "redaction:\n  rules:\n    - mask: {json: ['**.email']}\n")
	secret := writeFile(t, "secret", "0123456789abcdef0123\n")
	c, err := parseServe(t, "--brokers", "k:9092", "--redact-config", cfgFile, "--redact-secret-file", secret)
	if err != nil {
		t.Fatal(err)
	}
	if !c.sec.redactor.Enabled() {
		t.Fatal("redactor not built")
	}
	if _, err := parseServe(t, "--brokers", "k:9092", "--redact-config", cfgFile); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Errorf("masking without a secret: err = %v", err)
	}
	// Without --redact-config the rules come from the --config file.
	sec := security{RedactSecret: "0123456789abcdef0123"}
	if err := sec.buildRedactor(cfgFile); err != nil || !sec.redactor.Enabled() || sec.redactFile != cfgFile {
		t.Errorf("rules from --config: err %v, file %q", err, sec.redactFile)
	}
	decodingOnly := writeFile(t, "decoding.yaml", "payload_cap: 1KiB\n")
	sec = security{}
	if err := sec.buildRedactor(decodingOnly); err != nil || sec.redactor.Enabled() {
		t.Errorf("a --config without redaction: err %v, enabled %v", err, sec.redactor.Enabled())
	}
	bad := writeFile(t, "bad.yaml", "redaction:\n  rules:\n    - mask: {json: ['a..b']}\n")
	if _, err := parseServe(t, "--brokers", "k:9092", "--redact-config", bad, "--redact-secret-file", secret); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("bad path: err = %v, want the file named", err)
	}
}

// TestConfigDumpMasksSecrets checks the start-up config log shows every
// flag but no secret, wherever the secret came from.
func TestConfigDumpMasksSecrets(t *testing.T) {
	const (
		saslPass = "sasl-pass-visible-nowhere"
		chPass   = "ch-pass-visible-nowhere"
		token    = "token-visible-nowhere-0123456789"
		dsnPass  = "dsn-pass-visible-nowhere"
	)
	t.Setenv("TRACER_KAFKA_SASL_PASSWORD", saslPass)
	t.Setenv("TRACER_AUTH_TOKEN", token)
	c, err := parseServe(t, "--brokers", "k:9092", "--auth", "token",
		"--kafka-sasl-mechanism", "SCRAM-SHA-512", "--kafka-sasl-user", "tracer",
		"--store", "clickhouse://u:"+dsnPass+"@ch:9000/eventscope", "--clickhouse-password", chPass)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	logConfig(slog.New(slog.NewTextHandler(&buf, nil)), c.flags)
	out := buf.String()
	for _, secret := range []string{saslPass, chPass, token, dsnPass} {
		if strings.Contains(out, secret) {
			t.Errorf("config dump shows a secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"kafka_sasl_password=***", "auth_token=***", "clickhouse_password=***", "store=clickhouse://u:***@ch:9000/eventscope", "kafka_sasl_user=tracer", "auth=token"} {
		if !strings.Contains(out, want) {
			t.Errorf("config dump lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(c.storeDSN, chPass) {
		t.Errorf("the store DSN in use lacks the --clickhouse-password")
	}
}

func TestStoreDSN(t *testing.T) {
	pwFile := writeFile(t, "pw", "from-file\n")
	tests := []struct {
		name string
		sec  security
		dsn  string
		want string
		err  string
	}{
		{name: "untouched", dsn: "clickhouse://ch:9000/db", want: "clickhouse://ch:9000/db"},
		{name: "user and password", sec: security{ClickHouseUser: "tracer", ClickHousePassword: "p@ss/word"}, dsn: "clickhouse://ch:9000/db", want: "clickhouse://tracer:p%40ss%2Fword@ch:9000/db"},
		{name: "password file keeps DSN user", sec: security{ClickHousePasswordFile: pwFile}, dsn: "clickhouse://u@ch:9000/db?dial_timeout=5s", want: "clickhouse://u:from-file@ch:9000/db?dial_timeout=5s"},
		{name: "tls", sec: security{ClickHouseTLS: true}, dsn: "clickhouse://u:p@ch:9440/db", want: "clickhouse://u:p@ch:9440/db?secure=true"},
		{name: "tls insecure", sec: security{ClickHouseTLSInsecure: true}, dsn: "clickhouse://ch:9440/db", want: "clickhouse://ch:9440/db?secure=true&skip_verify=true"},
		{name: "sqlite untouched", dsn: "sqlite://./x.db", want: "sqlite://./x.db"},
		{name: "clickhouse flags on sqlite", sec: security{ClickHouseTLS: true}, dsn: "sqlite://./x.db", err: "do not apply to the embedded store"},
		{name: "password twice", sec: security{ClickHousePassword: "a", ClickHousePasswordFile: pwFile}, dsn: "clickhouse://ch:9000/db", err: "not both"},
	}
	for _, tt := range tests {
		got, err := tt.sec.storeDSN(tt.dsn)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: storeDSN = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestMaskDSN(t *testing.T) {
	for in, want := range map[string]string{
		"clickhouse://u:secret@ch:9000/db":             "clickhouse://u:***@ch:9000/db",
		"clickhouse://ch:9000/db?password=secret&x=1":  "clickhouse://ch:9000/db?password=***&x=1",
		"clickhouse://u@ch:9000/db":                    "clickhouse://u@ch:9000/db",
		"sqlite://./eventscope-data/events.db":         "sqlite://./eventscope-data/events.db",
		"clickhouse://u:sec%zzret@ch:9000/not-a-valid": "***",
	} {
		if got := maskDSN(in); got != want {
			t.Errorf("maskDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDecoderRedactsBeforeCap: the decoder redacts while the payload is
// whole, so an envelope ID that sits beyond the payload cap under a masked
// path is masked like one before it (issue 17); the cut, redacted payload
// is kept, and decoding again gives the same tokens.
func TestDecoderRedactsBeforeCap(t *testing.T) {
	r, err := redact.New(redact.Config{Rules: []redact.Rule{{
		Mask: redact.Fields{Headers: []string{"x-email"}, JSON: []string{"email", "correlationId"}},
	}}}, []byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	c := &config{}
	c.sec.redactor = r
	c.Decoding.event = event.Config{PayloadCap: 64}
	dec := event.NewDecoder(decoderConfig(c))
	payload := `{"email":"a@b.c","pad":"` + strings.Repeat("x", 100) + `","eventId":"e1","correlationId":"secret-order-7"}`
	rec := event.Record{Topic: "orders", Value: []byte(payload), Headers: []event.Header{{Key: "x-email", Value: "a@b.c"}}}
	e := dec.Decode(rec, time.Unix(1, 0))
	if e.EventID != "e1" || !strings.HasPrefix(e.CorrelationID, redact.Prefix) {
		t.Errorf("IDs: event %q correlation %q; want the correlation ID beyond the cap masked", e.EventID, e.CorrelationID)
	}
	if !e.Truncated || len(e.Payload) != 64 || !strings.HasPrefix(string(e.Payload), `{"email":"`+redact.Prefix) {
		t.Errorf("payload %q truncated %v; want the redacted payload cut at 64 bytes", e.Payload, e.Truncated)
	}
	for _, v := range []string{"a@b.c", "secret-order-7"} {
		if strings.Contains(fmt.Sprintf("%+v %s", e, e.Payload), v) {
			t.Errorf("%q stored in clear", v)
		}
	}
	if again := dec.Decode(rec, time.Unix(1, 0)); again.CorrelationID != e.CorrelationID {
		t.Error("decoding again gave another token")
	}
}
