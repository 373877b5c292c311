package redact

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/eventscope/eventscope/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testSecret keys the hashes in the golden files.
var testSecret = []byte("a test secret of more than 16 bytes")

// caseEvent is an input event of a golden case (YAML) and, redacted, its
// output (JSON).
type caseEvent struct {
	Topic         string         `yaml:"topic" json:"topic"`
	Key           string         `yaml:"key" json:"key,omitempty"`
	EventID       string         `yaml:"event_id" json:"event_id"`
	CorrelationID string         `yaml:"correlation_id" json:"correlation_id,omitempty"`
	CausationID   string         `yaml:"causation_id" json:"causation_id,omitempty"`
	Headers       []event.Header `yaml:"headers" json:"headers,omitempty"`
	Payload       string         `yaml:"payload" json:"payload,omitempty"`
	PayloadSize   int            `yaml:"-" json:"payload_size,omitempty"`
	Truncated     bool           `yaml:"truncated" json:"truncated,omitempty"`
	DecodeError   string         `yaml:"-" json:"decode_error,omitempty"`
}

func (c caseEvent) event() event.Event {
	e := event.Event{
		Topic: c.Topic, Key: c.Key, EventID: c.EventID, CorrelationID: c.CorrelationID,
		CausationID: c.CausationID, Truncated: c.Truncated,
		PayloadSize: len(c.Payload),
	}
	for _, h := range c.Headers {
		e.Headers = append(e.Headers, event.Header{Key: h.Key, Value: h.Value})
	}
	if c.Payload != "" {
		e.Payload = []byte(strings.TrimSpace(c.Payload))
	}
	return e
}

func fromEvent(e event.Event) caseEvent {
	return caseEvent{
		Topic: e.Topic, Key: e.Key, EventID: e.EventID, CorrelationID: e.CorrelationID,
		CausationID: e.CausationID, Headers: e.Headers, Payload: string(e.Payload),
		PayloadSize: e.PayloadSize, Truncated: e.Truncated, DecodeError: e.DecodeError,
	}
}

// TestGolden redacts the events of every testdata/*.yaml case with the
// case's own redaction section and compares with testdata/*.golden.json.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := ParseConfig(b)
			if err != nil {
				t.Fatal(err)
			}
			var in struct {
				Events []caseEvent `yaml:"events"`
			}
			if err := yaml.Unmarshal(b, &in); err != nil {
				t.Fatal(err)
			}
			r, err := New(cfg, testSecret)
			if err != nil {
				t.Fatal(err)
			}
			var out []caseEvent
			for _, c := range in.Events {
				e := c.event()
				r.Apply(&e)
				once := fromEvent(e)
				r.Apply(&e) // idempotent: a retried batch is redacted once
				if diff := cmp.Diff(once, fromEvent(e)); diff != "" {
					t.Errorf("event %s: second Apply changed it (-once +twice):\n%s", c.EventID, diff)
				}
				if e.Payload != nil && c.Payload != "" && json.Valid([]byte(c.Payload)) && !json.Valid(e.Payload) {
					t.Errorf("event %s: redacted payload is not valid JSON: %s", c.EventID, e.Payload)
				}
				out = append(out, once)
			}
			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(out); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./redact -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("%s differs (-want +got); rerun with -update if intended:\n%s", golden, diff)
			}
		})
	}
}
