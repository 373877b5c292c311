package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/internal/tracerproc"
)

// schemaEvent is what the schema test reads of an event in the API.
type schemaEvent struct {
	EventID         string          `json:"event_id"`
	CorrelationID   string          `json:"correlation_id"`
	CausationID     string          `json:"causation_id"`
	Type            string          `json:"type"`
	Topic           string          `json:"topic"`
	Key             string          `json:"key"`
	ContentType     string          `json:"content_type"`
	SchemaID        int32           `json:"schema_id"`
	DecodeError     string          `json:"decode_error"`
	PayloadEncoding string          `json:"payload_encoding"`
	Payload         json.RawMessage `json:"payload"`
}

type schemaFlow struct {
	Events    []schemaEvent `json:"events"`
	Edges     []struct{ From, To string }
	Anomalies []struct {
		Kind string `json:"kind"`
	} `json:"anomalies"`
}

const schemaSecret = "ada-secret@example.com"

// TestSchemaRegistryEndToEnd: records written by the real Confluent
// serializers (Python confluent-kafka, Avro, Protobuf, JSON Schema) against
// a real registry (Apicurio, scripts/apicurio) through the real broker.
// One flow whose IDs live inside the payloads is one causal tree with
// decoded JSON; a redaction rule on a decoded field keeps the value out of
// the store; records written while the registry is paused are stored and,
// once it answers again, stored again decoded in the flow their payloads
// name (store.Rewriter).
func TestSchemaRegistryEndToEnd(t *testing.T) {
	dir := t.TempDir()
	schemaEndToEnd(t, "sqlite://"+filepath.Join(dir, "events.db"))
	files, _ := filepath.Glob(filepath.Join(dir, "events.db*"))
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), schemaSecret) {
			t.Errorf("store file %s holds the redacted %s", filepath.Base(f), schemaSecret)
		}
	}
	if len(files) == 0 {
		t.Error("no store files")
	}
}

// TestSchemaRegistryClickHouse is the same against ClickHouse, whose
// rewrite inserts new versions and tombstones.
func TestSchemaRegistryClickHouse(t *testing.T) {
	if testing.Short() {
		t.Skip("schema registry end-to-end test skipped in -short mode")
	}
	schemaEndToEnd(t, freshClickHouse(t))
}

func schemaEndToEnd(t *testing.T, storeDSN string) {
	t.Helper()
	if testing.Short() {
		t.Skip("schema registry end-to-end test skipped in -short mode")
	}
	reg := os.Getenv("EVENTSCOPE_TEST_REGISTRY")
	if reg == "" || !kafkatest.Real() {
		if os.Getenv("CI") == "true" {
			t.Fatal("EVENTSCOPE_TEST_REGISTRY and EVENTSCOPE_TEST_KAFKA must be set in CI (scripts/test starts both)")
		}
		t.Skip("no registry or real broker: run scripts/apicurio start and scripts/kafka start, export what they print")
	}
	brokers := kafkatest.Broker(t)
	out, err := exec.Command("../../scripts/apicurio", "venv").Output()
	if err != nil {
		t.Fatalf("scripts/apicurio venv: %v", err)
	}
	python := strings.TrimSpace(string(out))
	prefix := kafkatest.Name(t, "shop")
	flowA, flowB := prefix+"-a", prefix+"-b"

	prod := exec.Command(python, "testdata/schema_produce.py", brokers[0], reg, prefix, flowA, flowB)
	prod.Stderr = os.Stderr
	stdin, _ := prod.StdinPipe()
	stdout, _ := prod.StdoutPipe()
	if err := prod.Start(); err != nil {
		t.Fatal(err)
	}
	defer prod.Process.Kill()
	lines := bufio.NewScanner(stdout)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || lines.Text() != want {
			t.Fatalf("producer said %q (%v), want %s", lines.Text(), lines.Err(), want)
		}
	}
	expect("READY")

	dir := t.TempDir()
	cfg := filepath.Join(dir, "redact.yaml")
	writeFileAt(t, cfg, "redaction:\n  rules:\n    - topics: [\""+prefix+"-orders\"]\n      mask:\n        json: [\"customer.email\"]\n")
	t.Setenv("TRACER_REDACT_SECRET", "an-e2e-secret-of-enough-bytes")
	p := tracerproc.Start(t, "serve", "--brokers", brokers[0], "--store", storeDSN,
		"--from-beginning", "--topics", "^"+prefix+"-", "--group-id", kafkatest.Name(t, "tracer"),
		"--schema-registry", reg, "--schema-registry-timeout", "1s", "--redact-config", cfg)
	defer p.Stop(t)

	var fa schemaFlow
	poll(t, 60*time.Second, "flow A's 4 events", func() bool {
		return getJSON(t, p.URL, "/api/flows/"+url.PathEscape(flowA), &fa) == 200 && len(fa.Events) == 4
	})
	if len(fa.Edges) != 3 || len(fa.Anomalies) != 0 {
		t.Errorf("flow A: %d edges, anomalies %v; want one causal chain of 3 edges, none", len(fa.Edges), fa.Anomalies)
	}
	formats := map[string]string{}
	for _, e := range fa.Events {
		f := strings.TrimPrefix(e.Topic, prefix+"-")
		formats[f] = e.ContentType
		if e.PayloadEncoding != "json" || e.SchemaID == 0 || e.DecodeError != "" || e.Key != `{"orderId":"`+flowA+`"}` {
			t.Errorf("%s: encoding %s schema %d note %q key %q", f, e.PayloadEncoding, e.SchemaID, e.DecodeError, e.Key)
		}
	}
	for f, want := range map[string]string{"orders": "schema=avro", "payments": "schema=protobuf", "shipments": "schema=avro", "audit": "schema=json"} {
		// A registry gives equal schemas one ID: the subject is the first
		// that registered it (maybe another test run's).
		if !strings.Contains(formats[f], want) || !strings.Contains(formats[f], "-"+f+"-value; version=1") {
			t.Errorf("%s content type %q, want %s with subject and version", f, formats[f], want)
		}
	}
	ev := get(t, p.URL+"/events/"+url.PathEscape(flowA+"-paid"))
	if !strings.Contains(ev, "amountCents") || !strings.Contains(ev, "schema=protobuf") || !strings.Contains(ev, "-payments-value") {
		t.Errorf("the event page does not show the decoded payload and its schema:\n%s", ev)
	}
	var found apiFlows
	getJSON(t, p.URL, "/api/flows?q="+url.QueryEscape(`"margherita"`), &found)
	if !slices.ContainsFunc(found.Flows, func(f struct {
		CorrelationID string    `json:"correlation_id"`
		EventCount    int       `json:"event_count"`
		FirstTime     time.Time `json:"first_time"`
		Types         []string  `json:"types"`
	}) bool {
		return f.CorrelationID == flowA
	}) {
		t.Errorf("search in decoded payloads: %+v", found.Flows)
	}

	// The registry stops answering; flow B's new schema versions are unknown.
	apicurio := func(cmd string) {
		if out, err := exec.Command("../../scripts/apicurio", cmd).CombinedOutput(); err != nil {
			t.Fatalf("scripts/apicurio %s: %v %s", cmd, err, out)
		}
	}
	apicurio("pause")
	defer apicurio("resume")
	io.WriteString(stdin, "go\n")
	expect("DONE")
	keyFlow := "key:" + `{"orderId":"` + flowB + `"}` // the key schema is cached: keys still decode
	var fb schemaFlow
	poll(t, 60*time.Second, "flow B's 3 undecoded events", func() bool {
		return getJSON(t, p.URL, "/api/flows/"+url.PathEscape(keyFlow), &fb) == 200 && len(fb.Events) == 3
	})
	for _, e := range fb.Events {
		if !strings.HasPrefix(e.DecodeError, "schema ") {
			t.Errorf("%s stored while the registry was paused: note %q", e.Topic, e.DecodeError)
		}
	}
	apicurio("resume")
	defer func() {
		if t.Failed() {
			for _, e := range fb.Events {
				t.Logf("flow B %s: %s note %q payload %s", e.Topic, e.PayloadEncoding, e.DecodeError, e.Payload)
			}
		}
	}()
	// Decoded on read at once, then stored again in flow B by the
	// reindexer: payments and shipments join the audit record there; the
	// order's payload was dropped (a redaction rule applies to a payload
	// that could not be decoded), so it stays under its key.
	var left schemaFlow
	poll(t, 90*time.Second, "flow B's records stored again in flow B", func() bool {
		fb, left = schemaFlow{}, schemaFlow{} // omitted fields (an empty decode_error) must not keep old values
		if getJSON(t, p.URL, "/api/flows/"+url.PathEscape(flowB), &fb) != 200 ||
			getJSON(t, p.URL, "/api/flows/"+url.PathEscape(keyFlow), &left) != 200 || len(left.Events) != 1 {
			return false
		}
		n := 0
		for _, e := range fb.Events {
			if e.PayloadEncoding == "json" && strings.Contains(string(e.Payload), flowB) && e.DecodeError == "" && e.CorrelationID == flowB {
				n++
			}
		}
		return n == 3
	})
	if len(fb.Edges) != 2 {
		t.Errorf("flow B: %d edges, want paid→shipped→audited", len(fb.Edges))
	}
	for _, e := range fb.Events {
		if strings.HasSuffix(e.Topic, "-payments") && (!strings.Contains(string(e.Payload), `"cardLast4"`) && !strings.Contains(string(e.Payload), flowB+"-paid") || e.EventID != flowB+"-paid") {
			t.Errorf("payment stored again: %s %s", e.EventID, e.Payload)
		}
	}
	if !strings.HasSuffix(left.Events[0].Topic, "-orders") {
		t.Errorf("under the key: %+v, want only the order whose payload was dropped", left.Events)
	} else if _, waiting := event.WaitingSchema(left.Events[0].DecodeError); waiting {
		t.Errorf("the dropped order still waits for its schema: %q", left.Events[0].DecodeError)
	}
	var shipped struct {
		Event schemaEvent `json:"event"`
	}
	if getJSON(t, p.URL, "/api/events/"+url.PathEscape(flowB+"-shipped"), &shipped) != 200 || shipped.Event.CausationID != flowB+"-paid" {
		t.Errorf("event by its ID from the payload: %+v", shipped.Event)
	}
	p.Stop(t)
}
