package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/jvmapps"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
	"github.com/eventscope/eventscope/redrive"
)

// TestRedriveSpringDeadLetter: a record dead-lettered by the real Spring
// Kafka DeadLetterPublishingRecoverer (internal/jvmapps, mode springdlt)
// is read by the tracer from its real headers (original topic; the
// reason from Spring's exception message; partition and offset as binary
// ints), and redriven to its original topic with its key, value and every
// header byte for byte (the binary ones included) plus the redrive
// headers; in its flow the redriven copy is no duplicate. Both stores:
// the binary headers must survive each of them.
func TestRedriveSpringDeadLetter(t *testing.T) {
	brokers := needsJVM(t)
	for _, st := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "events.db") }},
		{"clickhouse", freshClickHouse},
	} {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			topic := kafkatest.Name(t, "payments")
			dlt := topic + "-dlt.DLT"
			corr := kafkatest.Name(t, "flow")
			jvmapps.Run(t, 2*time.Minute, "springdlt", brokers[0], topic, dlt, corr)
			redriveReal(t, brokers, dsn, topic, dlt, corr, "PaymentRequested", "card <n> declined by gateway <n>",
				func(orig, dl *sarama.ConsumerMessage) {
					if p := header(dl, "kafka_dlt-original-partition"); len(p) != 4 || int32(binary.BigEndian.Uint32(p)) != orig.Partition {
						t.Errorf("kafka_dlt-original-partition = %x, want %d as 4 bytes", p, orig.Partition)
					}
					if o := header(dl, "kafka_dlt-original-offset"); len(o) != 8 || int64(binary.BigEndian.Uint64(o)) != orig.Offset {
						t.Errorf("kafka_dlt-original-offset = %x, want %d as 8 bytes", o, orig.Offset)
					}
				})
		})
	}
}

// TestRedriveConnectDeadLetter: a record a real Kafka Connect worker
// (internal/jvmapps, mode connectdlq: connect-runtime, JsonConverter,
// errors.tolerance=all, a dead-letter queue with context headers)
// dead-lettered because its value is not JSON is read from the worker's
// __connect.errors.* headers and redriven like the Spring one.
func TestRedriveConnectDeadLetter(t *testing.T) {
	brokers := needsJVM(t)
	topic := kafkatest.Name(t, "shipments")
	dlq := topic + "-dlq"
	corr := kafkatest.Name(t, "flow")
	jvmapps.Run(t, 3*time.Minute, "connectdlq", brokers[0], topic, dlq, corr, freePort(t))
	redriveReal(t, brokers, "sqlite://"+filepath.Join(t.TempDir(), "events.db"), topic, dlq, corr, "ShipmentBooked", "Converting byte[] to Kafka Connect data failed",
		func(orig, dl *sarama.ConsumerMessage) {
			if got := string(header(dl, "__connect.errors.offset")); got != fmt.Sprint(orig.Offset) {
				t.Errorf("__connect.errors.offset = %q, want %d", got, orig.Offset)
			}
		})
}

// needsJVM skips t in -short mode and without a real broker (the JVM
// clients are not run against kfake), builds the JVM programs, and
// returns the broker.
func needsJVM(t *testing.T) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test with JVM programs skipped in -short mode")
	}
	if !kafkatest.Real() {
		t.Skip("needs a real Kafka broker (EVENTSCOPE_TEST_KAFKA): the JVM clients are not run against kfake")
	}
	jvmapps.Classpath(t)
	return kafkatest.Broker(t)
}

// redriveReal checks a dead letter a real framework wrote to dlq for the
// record of flow corr it read from topic: the tracer lists it in a failure
// group of type typ whose reason contains reason, redrives it to topic with
// its key, value and every header byte for byte plus the redrive headers,
// and stores the redriven copy in its flow as no duplicate; the tracer
// keeps its events in the store storeDSN. check looks at the framework's
// own headers.
func redriveReal(t *testing.T, brokers []string, storeDSN, topic, dlq, corr, typ, reason string, check func(orig, dl *sarama.ConsumerMessage)) {
	t.Helper()
	dlt := dlq

	orig := readUntil(t, brokers, topic, func(m *sarama.ConsumerMessage) bool { return header(m, "eventId") != nil })
	dl := readUntil(t, brokers, dlt, func(*sarama.ConsumerMessage) bool { return true })
	for _, h := range dl.Headers {
		t.Logf("dead-letter header %s = %q", h.Key, h.Value)
	}
	if got, _ := redrive.Origins(nil).Origin(dlt, headersOf(dl)); got != topic {
		t.Fatalf("original topic from the headers = %q, want %q", got, topic)
	}
	check(orig, dl)

	const token = "spring-token-0123456789abcdef0123456789"
	t.Setenv("TRACER_AUTH_TOKEN", token)
	p := tracerproc.Start(t, "serve", "--brokers", brokers[0], "--store", storeDSN,
		"--from-beginning", "--topics", "^"+regexp.QuoteMeta(topic)+"("+regexp.QuoteMeta(dlt[len(topic):])+")?$", "--group-id", kafkatest.Name(t, "tracer"),
		"--auth", "token", "--allow-redrive", "--redrive-operators", "token")
	call := bearerCaller(t, p.URL, token)
	var fs failuresBody
	poll(t, 60*time.Second, "the dead letter on /api/failures", func() bool {
		code, body := call("GET", "/api/failures?topic="+url.QueryEscape(dlt), nil)
		return code == 200 && json.Unmarshal([]byte(body), &fs) == nil && len(fs.Groups) == 1
	})
	g := fs.Groups[0]
	if g.Type != typ || !strings.Contains(g.Reason, reason) || g.DeadLetters != 1 {
		t.Errorf("group %+v: want %s, 1 dead letter, a reason with %q from the framework's exception message", g, typ, reason)
	}
	record := fmt.Sprintf("%s/%d/%d", dlt, dl.Partition, dl.Offset)
	code, body := call("GET", "/failures/redrive?record="+url.QueryEscape(record), nil)
	m := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if code != 200 || m == nil || !strings.Contains(body, `data-testid="redrive-topic">`+topic+`<`) {
		t.Fatalf("confirmation page: %d %s", code, body)
	}
	if code, body := call("POST", "/failures/redrive", url.Values{"record": {record}, "token": {m[1]}}); code != 200 {
		t.Fatalf("redrive: %d %s", code, body)
	}
	re := readUntil(t, brokers, topic, func(m *sarama.ConsumerMessage) bool { return header(m, redrive.HeaderFrom) != nil })
	if !bytes.Equal(re.Key, dl.Key) || !bytes.Equal(re.Value, dl.Value) || !bytes.Equal(re.Value, orig.Value) {
		t.Errorf("redriven key %q value %q, want %q %q", re.Key, re.Value, dl.Key, dl.Value)
	}
	if len(re.Headers) != len(dl.Headers)+2 {
		t.Fatalf("redriven headers: %d, want the %d of the dead letter + 2", len(re.Headers), len(dl.Headers))
	}
	for i, h := range dl.Headers {
		if got := re.Headers[i]; string(got.Key) != string(h.Key) || !bytes.Equal(got.Value, h.Value) {
			t.Errorf("header %d: %s = %x, want %s = %x (byte for byte)", i, got.Key, got.Value, h.Key, h.Value)
		}
	}
	if string(header(re, redrive.HeaderFrom)) != record || string(header(re, redrive.HeaderBy)) != "token" {
		t.Errorf("redrive headers from %q by %q", header(re, redrive.HeaderFrom), header(re, redrive.HeaderBy))
	}
	poll(t, 60*time.Second, "the redriven record in its flow, no duplicate", func() bool {
		code, body := call("GET", "/api/flows/"+url.PathEscape(corr), nil)
		var fl struct {
			Events    []json.RawMessage `json:"events"`
			Anomalies []struct {
				Kind string `json:"kind"`
			} `json:"anomalies"`
		}
		if code != 200 || json.Unmarshal([]byte(body), &fl) != nil || len(fl.Events) != 3 {
			return false
		}
		for _, a := range fl.Anomalies {
			if a.Kind == "duplicate" {
				t.Fatalf("the redriven record is flagged a duplicate: %s", body)
			}
		}
		return true
	})
	p.Stop(t)
}

// failuresBody is what the test reads of /api/failures.
type failuresBody struct {
	Groups []struct {
		Type        string `json:"type"`
		Reason      string `json:"reason"`
		DeadLetters int    `json:"dead_letters"`
	} `json:"groups"`
}

// headersOf is m's headers as the tracer keeps them.
func headersOf(m *sarama.ConsumerMessage) []event.Header {
	var out []event.Header
	for _, h := range m.Headers {
		out = append(out, event.Header{Key: string(h.Key), Value: string(h.Value)})
	}
	return out
}

// freePort is a free TCP port on 127.0.0.1, as text.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// header is the value of m's last header named key (nil when none).
func header(m *sarama.ConsumerMessage, key string) []byte {
	var v []byte
	for _, h := range m.Headers {
		if string(h.Key) == key {
			v = h.Value
		}
	}
	return v
}

// readUntil reads every partition of topic from the oldest record until
// one satisfies ok, for up to 60 s.
func readUntil(t *testing.T, brokers []string, topic string, ok func(*sarama.ConsumerMessage) bool) *sarama.ConsumerMessage {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_1_0_0
	c, err := sarama.NewConsumer(brokers, cfg)
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	defer c.Close()
	parts, err := c.Partitions(topic)
	if err != nil {
		t.Fatalf("partitions of %s: %v", topic, err)
	}
	out, done := make(chan *sarama.ConsumerMessage), make(chan struct{})
	for _, part := range parts {
		pc, err := c.ConsumePartition(topic, part, sarama.OffsetOldest)
		if err != nil {
			t.Fatalf("consume %s/%d: %v", topic, part, err)
		}
		defer pc.Close()
		go func() {
			for m := range pc.Messages() {
				select {
				case out <- m:
				case <-done:
				}
			}
		}()
	}
	defer close(done) // before the partition consumers close
	deadline := time.After(60 * time.Second)
	for {
		select {
		case m := <-out:
			if ok(m) {
				return m
			}
		case <-deadline:
			t.Fatalf("no matching record on %s in 60 s", topic)
		}
	}
}
