// Package kafkatest gives tests a Kafka broker to talk to.
//
// When EVENTSCOPE_TEST_KAFKA names a broker (host:port[,host:port...], as
// printed by `scripts/kafka start`), tests run against that real Apache
// Kafka broker; otherwise each test gets its own in-process kfake cluster
// on 127.0.0.1, closed when the test ends. The same suite thus runs
// against kfake in plain `go test ./...` and against real Kafka in CI.
//
// A real broker is shared between tests and runs: name topics and groups
// with [Name] so that runs do not see each other's data.
package kafkatest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

const (
	// EnvAddr names the real broker's bootstrap addresses, comma-separated.
	EnvAddr = "EVENTSCOPE_TEST_KAFKA"
	// EnvRequire, set to 1, makes [Broker] fail when EnvAddr is unset
	// instead of falling back to kfake: CI sets it so that a missing real
	// broker can never pass unnoticed.
	EnvRequire = "EVENTSCOPE_REQUIRE_KAFKA"

	// readyTimeout bounds how long Broker waits for a real broker to
	// answer metadata (it may still be starting).
	readyTimeout = 30 * time.Second
)

// Real reports whether tests run against a real Kafka broker, that is,
// whether EVENTSCOPE_TEST_KAFKA is set.
func Real() bool {
	return strings.TrimSpace(os.Getenv(EnvAddr)) != ""
}

// Broker returns the bootstrap addresses of a Kafka broker for t.
//
// With EVENTSCOPE_TEST_KAFKA set it returns those addresses once the broker
// answers a metadata request, and fails t if it does not within 30 s. Else,
// if EVENTSCOPE_REQUIRE_KAFKA=1, it fails t; otherwise it starts an
// in-process kfake cluster (one broker, 3 partitions for auto-created
// topics) on 127.0.0.1 and closes it with t.Cleanup.
func Broker(t testing.TB) (addrs []string) {
	t.Helper()
	if Real() {
		addrs = splitAddrs(os.Getenv(EnvAddr))
		if err := waitReady(addrs, readyTimeout); err != nil {
			t.Fatalf("kafkatest: %s=%s is set but the broker does not answer: %v "+
				"(start it with `scripts/kafka start`, or unset %s to use kfake)",
				EnvAddr, os.Getenv(EnvAddr), err, EnvAddr)
		}
		return addrs
	}
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("kafkatest: %s=1 but %s is not set: a real Kafka broker is required "+
			"(run `scripts/kafka start` and export what it prints)", EnvRequire, EnvAddr)
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.DefaultNumPartitions(3),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		t.Fatalf("kafkatest: start kfake cluster: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// Name returns a topic or group name unique to this test and run, made of
// prefix, the test name and random hex, e.g. "orders-TestIngest-3f9a1c2b".
// Kafka allows [a-zA-Z0-9._-] up to 249 characters; other characters of
// the test name become '-'.
func Name(t testing.TB, prefix string) string {
	t.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("kafkatest: random name: %v", err)
	}
	test := invalidNameChars.ReplaceAllString(t.Name(), "-")
	name := fmt.Sprintf("%s-%s-%s", prefix, test, hex.EncodeToString(b[:]))
	if len(name) > 249 {
		name = name[len(name)-249:]
	}
	return name
}

var invalidNameChars = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

func splitAddrs(s string) []string {
	var addrs []string
	for a := range strings.SplitSeq(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	return addrs
}

// waitReady polls the broker until a metadata request lists at least one
// broker and a controller, or the timeout passes.
func waitReady(addrs []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		err := ping(addrs)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no metadata from %v within %s: %w", addrs, timeout, err)
		}
		<-tick.C
	}
}

func ping(addrs []string) error {
	cfg := sarama.NewConfig()
	cfg.ClientID = "eventscope-kafkatest"
	cfg.Net.DialTimeout = 3 * time.Second
	cfg.Net.ReadTimeout = 3 * time.Second
	cfg.Net.WriteTimeout = 3 * time.Second
	cfg.Metadata.Retry.Max = 0
	c, err := sarama.NewClient(addrs, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close()
	if len(c.Brokers()) == 0 {
		return fmt.Errorf("metadata lists no brokers")
	}
	if _, err := c.Controller(); err != nil {
		return fmt.Errorf("controller: %w", err)
	}
	return nil
}
