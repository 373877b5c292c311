package event

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want Config
	}{
		{name: "empty file", yaml: "", want: Config{}},
		{name: "comments only", yaml: "# nothing yet\n", want: Config{}},
		{name: "payload cap in bytes", yaml: "payload_cap: 1048576\n", want: Config{PayloadCap: 1 << 20}},
		{name: "payload cap with unit", yaml: "payload_cap: 64KiB\n", want: Config{PayloadCap: 64 << 10}},
		{name: "payload cap in MB", yaml: "payload_cap: 2MB\n", want: Config{PayloadCap: 2000000}},
		{name: "redaction section is redact's", yaml: "payload_cap: 1KiB\nredaction:\n  rules: []\n", want: Config{PayloadCap: 1 << 10}},
		{
			name: "dead-letter patterns",
			yaml: "dead_letter_topics:\n  - \"*.errors\"\n  - quarantine.*\n",
			want: Config{DeadLetterPatterns: []string{"*.errors", "quarantine.*"}},
		},
		{
			name: "full file",
			yaml: `payload_cap: 256KiB
dead_letter_topics: ["*.parked"]
conventions:
  - name: acme-bus
    topics: ["acme.*", "billing"]
    fields:
      correlation_id: {header: X-Acme-Flow}
      causation_id: {json: envelope.parent}
      event_id:
        - {json: envelope.msg}
        - {header: X-Acme-Msg}
      time: {json: envelope.at}
  - fields:
      source: {header: x-origin}
`,
			want: Config{
				PayloadCap:         256 << 10,
				DeadLetterPatterns: []string{"*.parked"},
				Conventions: []Convention{
					{
						Name:   "acme-bus",
						Topics: []string{"acme.*", "billing"},
						Mappings: []Mapping{
							{Field: FieldCorrelationID, Header: "X-Acme-Flow"},
							{Field: FieldCausationID, JSONPath: "envelope.parent"},
							{Field: FieldEventID, JSONPath: "envelope.msg"},
							{Field: FieldEventID, Header: "X-Acme-Msg"},
							{Field: FieldTime, JSONPath: "envelope.at"},
						},
					},
					{Mappings: []Mapping{{Field: FieldSource, Header: "x-origin"}}},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("ParseConfig: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate of a parsed config: %v", err)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // every one must appear in the error
	}{
		{name: "not YAML", yaml: "conventions: [\n", want: []string{"parse config: yaml: line"}},
		{name: "unknown top-level key", yaml: "payload_cap: 10\nconventons: []\n",
			want: []string{`line 2: config: unknown key "conventons" (want payload_cap, dead_letter_topics, conventions, redaction, stall_rules)`}},
		{name: "bad payload cap", yaml: "payload_cap: lots\n", want: []string{`line 1: payload_cap: want a positive size`, `"lots"`}},
		{name: "negative payload cap", yaml: "payload_cap: -5\n", want: []string{"line 1: payload_cap"}},
		{name: "bad dead-letter pattern", yaml: "dead_letter_topics:\n  - \"[orders\"\n",
			want: []string{`line 2: dead_letter_topics: pattern "[orders": syntax error in pattern`}},
		{name: "dead-letter not a list", yaml: "dead_letter_topics: orders.dlq\n",
			want: []string{`line 1: dead_letter_topics: want a list of topic patterns, got "orders.dlq"`}},
		{name: "unknown field", yaml: "conventions:\n  - name: x\n    fields:\n      corelation_id: {header: a}\n",
			want: []string{`line 4: fields: unknown key "corelation_id" (want event_id, correlation_id, causation_id, type, source, time, version)`}},
		{name: "both header and json", yaml: "conventions:\n  - fields:\n      type: {header: a, json: b}\n",
			want: []string{"line 3: field type: has both a header and a json path"}},
		{name: "neither header nor json", yaml: "conventions:\n  - fields:\n      type: {}\n",
			want: []string{"line 3: field type: needs a header or a json path"}},
		{name: "unknown source key", yaml: "conventions:\n  - fields:\n      type: {hdr: a}\n",
			want: []string{`line 3: field type: unknown key "hdr" (want header, json)`}},
		{name: "convention without fields", yaml: "conventions:\n  - name: empty\n    topics: [a]\n",
			want: []string{`line 2: convention "empty": no fields`}},
		{name: "bad topic pattern", yaml: "conventions:\n  - topics: [\"a[\"]\n    fields:\n      type: {header: t}\n",
			want: []string{`line 2: topics: pattern "a[": syntax error in pattern`}},
		{name: "every problem at once", yaml: "payload_cap: x\ndead_letter_topics: [\"[\"]\nextra: 1\n",
			want: []string{"line 1: payload_cap", "line 2: dead_letter_topics", `line 3: config: unknown key "extra"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.yaml))
			if err == nil {
				t.Fatal("ParseConfig: no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	bad := Config{
		PayloadCap:         -1,
		DeadLetterPatterns: []string{"["},
		Conventions: []Convention{
			{Name: "a", Mappings: []Mapping{{Field: "nope", Header: "h"}}},
			{Topics: []string{""}, Mappings: []Mapping{{Field: FieldType}}},
			{Name: "empty"},
		},
	}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate: no error")
	}
	for _, w := range []string{
		"payload cap -1: must not be negative",
		`dead-letter pattern 1: pattern "[": syntax error in pattern`,
		`convention 1 (a): mapping 1: unknown field "nope"`,
		"convention 2: topic pattern 1: empty pattern",
		"convention 2: mapping 1: field type: needs a header or a json path",
		"convention 3 (empty): no mappings",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero Config: %v", err)
	}
}
