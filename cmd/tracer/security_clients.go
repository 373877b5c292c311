package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"

	"github.com/eventscope/eventscope/store"
)

// validateKafka builds the sarama base config for TLS and SASL; without
// either it stays nil and ingest uses its own defaults.
func (s *security) validateKafka() error {
	useTLS := s.KafkaTLS || s.KafkaTLSCAFile != "" || s.KafkaTLSCertFile != "" || s.KafkaTLSKeyFile != "" ||
		s.KafkaTLSServerName != "" || s.KafkaTLSInsecure
	if !useTLS && s.KafkaSASLMechanism == "" {
		if s.KafkaSASLUser != "" || s.KafkaSASLPassword != "" || s.KafkaSASLPasswordFile != "" {
			return errors.New("--kafka-sasl-user/password given without --kafka-sasl-mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)")
		}
		return nil
	}
	sc := sarama.NewConfig()
	// The defaults ingest uses when it gets no base config.
	sc.ClientID = "eventscope-tracer"
	sc.Net.DialTimeout = 5 * time.Second
	sc.Metadata.Retry.Max = 2
	sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRoundRobin()}
	if useTLS {
		tc, err := tlsConfig(s.KafkaTLSCAFile, s.KafkaTLSCertFile, s.KafkaTLSKeyFile, s.KafkaTLSServerName, s.KafkaTLSInsecure)
		if err != nil {
			return fmt.Errorf("kafka tls: %w", err)
		}
		sc.Net.TLS.Enable = true
		sc.Net.TLS.Config = tc
	}
	if s.KafkaSASLMechanism != "" {
		if err := s.sasl(sc); err != nil {
			return err
		}
	}
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("kafka client config: %w", err)
	}
	s.sarama = sc
	return nil
}

func (s *security) sasl(sc *sarama.Config) error {
	password, err := secretValue("kafka-sasl-password", s.KafkaSASLPassword, s.KafkaSASLPasswordFile)
	if err != nil {
		return err
	}
	if s.KafkaSASLUser == "" || password == "" {
		return fmt.Errorf("--kafka-sasl-mechanism %s needs --kafka-sasl-user and a password (TRACER_KAFKA_SASL_PASSWORD or --kafka-sasl-password-file)", s.KafkaSASLMechanism)
	}
	sc.Net.SASL.Enable = true
	sc.Net.SASL.Handshake = true
	sc.Net.SASL.User = s.KafkaSASLUser
	sc.Net.SASL.Password = password
	switch strings.ToUpper(s.KafkaSASLMechanism) {
	case sarama.SASLTypePlaintext:
		sc.Net.SASL.Mechanism = sarama.SASLTypePlaintext
	case sarama.SASLTypeSCRAMSHA256:
		sc.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
		sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA256} }
	case sarama.SASLTypeSCRAMSHA512:
		sc.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
		sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA512} }
	default:
		return fmt.Errorf("--kafka-sasl-mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.KafkaSASLMechanism)
	}
	return nil
}

// scramClient is sarama's SCRAMClient on xdg-go/scram.
type scramClient struct {
	hash scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

func (c *scramClient) Begin(user, password, authzID string) error {
	cl, err := c.hash.NewClient(user, password, authzID)
	if err != nil {
		return err
	}
	c.conv = cl.NewConversation()
	return nil
}

func (c *scramClient) Step(challenge string) (string, error) { return c.conv.Step(challenge) }
func (c *scramClient) Done() bool                            { return c.conv.Done() }

// tlsConfig is a client TLS config: the CA file's roots (else the system's),
// an optional client certificate, TLS 1.2 at least.
func tlsConfig(caFile, certFile, keyFile, serverName string, insecure bool) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName, InsecureSkipVerify: insecure}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
		}
		tc.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("a client certificate needs both its cert file and its key file")
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// storeDSN applies the ClickHouse flags (user, password, TLS) to a DSN
// through its backend (store.Backend.Secure); they are an error with a
// backend that takes no credentials.
func (s *security) storeDSN(dsn string) (string, error) {
	password, err := secretValue("clickhouse-password", s.ClickHousePassword, s.ClickHousePasswordFile)
	if err != nil {
		return "", err
	}
	c := store.Credentials{User: s.ClickHouseUser, Password: password, TLS: s.ClickHouseTLS, TLSInsecure: s.ClickHouseTLSInsecure,
		Cluster: s.ClickHouseCluster, InsertQuorum: s.ClickHouseQuorum}
	b, err := backends.Lookup(dsn)
	if err != nil {
		return "", fmt.Errorf("--store %q: %w", maskDSN(dsn), err)
	}
	if b.Secure == nil {
		if !c.IsZero() {
			return "", fmt.Errorf("--clickhouse-* flags do not apply to the %s (--store %s://...)", b.Name, b.Scheme)
		}
		return dsn, nil
	}
	out, err := b.Secure(dsn, c)
	if err != nil {
		return "", fmt.Errorf("--store %s: %w", maskDSN(dsn), err)
	}
	return out, nil
}
