package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// testPKI is a throwaway CA and a client certificate it signed, as PEM files.
type testPKI struct {
	caFile, certFile, keyFile string
	client                    *x509.Certificate
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "eventscope test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "tracer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	p := testPKI{
		caFile:   filepath.Join(dir, "ca.pem"),
		certFile: filepath.Join(dir, "client.pem"),
		keyFile:  filepath.Join(dir, "client.key"),
		client:   client,
	}
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	writePEM(t, p.certFile, "CERTIFICATE", der)
	writePEM(t, p.keyFile, "EC PRIVATE KEY", keyDER)
	return p
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	writeFileAt(t, path, string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})))
}

func TestKafkaSecurityFlags(t *testing.T) {
	pki := newTestPKI(t)
	notPEM := writeFile(t, "not.pem", "hello")
	pwFile := writeFile(t, "pw", "file-secret\n")
	base := []string{"--brokers", "k:9093"}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		check   func(t *testing.T, sc *sarama.Config)
	}{
		{name: "nothing", check: func(t *testing.T, sc *sarama.Config) {
			if sc != nil {
				t.Error("no TLS or SASL flag: want nil (ingest's defaults)")
			}
		}},
		{name: "tls with CA and client cert", args: []string{"--kafka-tls-ca-file", pki.caFile, "--kafka-tls-cert-file", pki.certFile, "--kafka-tls-key-file", pki.keyFile, "--kafka-tls-server-name", "kafka.internal"},
			check: func(t *testing.T, sc *sarama.Config) {
				tc := sc.Net.TLS.Config
				if !sc.Net.TLS.Enable || tc == nil || tc.ServerName != "kafka.internal" || tc.InsecureSkipVerify || tc.MinVersion != tls.VersionTLS12 {
					t.Fatalf("tls %+v", tc)
				}
				if len(tc.Certificates) != 1 {
					t.Errorf("client certificates: %d, want 1", len(tc.Certificates))
				}
				// The pool is the CA file's: the CA verifies our client cert.
				_, err := pki.client.Verify(x509.VerifyOptions{Roots: tc.RootCAs, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
				if err != nil {
					t.Errorf("RootCAs do not hold the CA: %v", err)
				}
				if sc.ClientID != "eventscope-tracer" || sc.Net.SASL.Enable {
					t.Errorf("client id %q, sasl %v", sc.ClientID, sc.Net.SASL.Enable)
				}
			}},
		{name: "tls insecure", args: []string{"--kafka-tls-insecure-skip-verify"},
			check: func(t *testing.T, sc *sarama.Config) {
				if !sc.Net.TLS.Enable || !sc.Net.TLS.Config.InsecureSkipVerify || sc.Net.TLS.Config.RootCAs != nil {
					t.Errorf("tls %+v", sc.Net.TLS.Config)
				}
			}},
		{name: "CA not PEM", args: []string{"--kafka-tls-ca-file", notPEM}, wantErr: "holds no PEM certificate"},
		{name: "CA missing", args: []string{"--kafka-tls-ca-file", "/nonexistent/ca.pem"}, wantErr: "read CA file"},
		{name: "cert without key", args: []string{"--kafka-tls-cert-file", pki.certFile}, wantErr: "both its cert file and its key file"},
		{name: "key of another cert", args: []string{"--kafka-tls-cert-file", pki.caFile, "--kafka-tls-key-file", pki.keyFile}, wantErr: "load client certificate"},
		{name: "plain", env: map[string]string{"TRACER_KAFKA_SASL_PASSWORD": "env-secret"}, args: []string{"--kafka-tls", "--kafka-sasl-mechanism", "PLAIN", "--kafka-sasl-user", "tracer"},
			check: func(t *testing.T, sc *sarama.Config) {
				s := sc.Net.SASL
				if !s.Enable || s.Mechanism != sarama.SASLTypePlaintext || s.User != "tracer" || s.Password != "env-secret" || !sc.Net.TLS.Enable {
					t.Errorf("sasl %+v", s)
				}
			}},
		{name: "scram-256 from file", args: []string{"--kafka-sasl-mechanism", "scram-sha-256", "--kafka-sasl-user", "tracer", "--kafka-sasl-password-file", pwFile},
			check: func(t *testing.T, sc *sarama.Config) {
				if sc.Net.SASL.Mechanism != sarama.SASLTypeSCRAMSHA256 || sc.Net.SASL.Password != "file-secret" {
					t.Errorf("sasl %+v", sc.Net.SASL)
				}
				scramHandshake(t, sc, scram.SHA256)
			}},
		{name: "scram-512", args: []string{"--kafka-sasl-mechanism", "SCRAM-SHA-512", "--kafka-sasl-user", "tracer", "--kafka-sasl-password", "p"},
			check: func(t *testing.T, sc *sarama.Config) {
				if sc.Net.SASL.Mechanism != sarama.SASLTypeSCRAMSHA512 {
					t.Errorf("mechanism %q", sc.Net.SASL.Mechanism)
				}
				scramHandshake(t, sc, scram.SHA512)
			}},
		{name: "unknown mechanism", args: []string{"--kafka-sasl-mechanism", "GSSAPI", "--kafka-sasl-user", "u", "--kafka-sasl-password", "p"}, wantErr: "want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"},
		{name: "mechanism without user", args: []string{"--kafka-sasl-mechanism", "PLAIN"}, wantErr: "needs --kafka-sasl-user"},
		{name: "user without mechanism", args: []string{"--kafka-sasl-user", "u"}, wantErr: "without --kafka-sasl-mechanism"},
		{name: "password twice", args: []string{"--kafka-sasl-mechanism", "PLAIN", "--kafka-sasl-user", "u", "--kafka-sasl-password", "p", "--kafka-sasl-password-file", pwFile}, wantErr: "not both"},
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
			tt.check(t, c.sec.sarama)
		})
	}
}

// scramHandshake runs the SCRAM conversation of sc's client generator
// against an xdg-go/scram server that knows the user's password.
func scramHandshake(t *testing.T, sc *sarama.Config, hash scram.HashGeneratorFcn) {
	t.Helper()
	user, pass := sc.Net.SASL.User, sc.Net.SASL.Password
	ref, err := hash.NewClient(user, pass, "")
	if err != nil {
		t.Fatal(err)
	}
	creds := ref.GetStoredCredentials(scram.KeyFactors{Salt: "salt-for-the-test", Iters: 4096})
	srv, err := hash.NewServer(func(u string) (scram.StoredCredentials, error) { return creds, nil })
	if err != nil {
		t.Fatal(err)
	}
	sconv := srv.NewConversation()
	cl := sc.Net.SASL.SCRAMClientGeneratorFunc()
	if err := cl.Begin(user, pass, ""); err != nil {
		t.Fatal(err)
	}
	msg, err := cl.Step("")
	for i := 0; err == nil && !cl.Done() && i < 4; i++ {
		var reply string
		if reply, err = sconv.Step(msg); err == nil {
			msg, err = cl.Step(reply)
		}
	}
	if err != nil || !cl.Done() || !sconv.Valid() {
		t.Fatalf("scram handshake: err %v, client done %v, server valid %v", err, cl.Done(), sconv.Valid())
	}
}
