package event

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/vectors")

// vectorFile is one testdata/vectors/*.json file: records shaped after a
// convention's own specification or documentation (Source says where
// from), the fields that documentation says they carry (Want, written by
// hand), and optionally a config file applied to the decoder.
type vectorFile struct {
	Source  string   `json:"source"`
	Notes   []string `json:"notes,omitempty"`
	Config  string   `json:"config,omitempty"` // YAML, as in docs/CONFIG.md
	Records []vector `json:"records"`
}

type vector struct {
	Name   string         `json:"name"`
	Record vectorRecord   `json:"record"`
	Want   map[string]any `json:"want"`
}

type vectorRecord struct {
	Topic     string          `json:"topic"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Key       string          `json:"key"`
	Timestamp time.Time       `json:"timestamp"`
	Headers   []vectorHeader  `json:"headers"`
	Value     json.RawMessage `json:"value,omitempty"`      // a JSON value, bytes as written
	ValueText *string         `json:"value_text,omitempty"` // a text value
	ValueHex  string          `json:"value_hex,omitempty"`  // a binary value
}

type vectorHeader struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	ValueHex string `json:"value_hex,omitempty"`
}

var vectorIngestedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (r vectorRecord) record(t *testing.T) Record {
	t.Helper()
	rec := Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp}
	if r.Key != "" {
		rec.Key = []byte(r.Key)
	}
	for _, h := range r.Headers {
		v := h.Value
		if h.ValueHex != "" {
			b, err := hex.DecodeString(h.ValueHex)
			if err != nil {
				t.Fatalf("header %s: %v", h.Key, err)
			}
			v = string(b)
		}
		rec.Headers = append(rec.Headers, Header{Key: h.Key, Value: v})
	}
	switch {
	case len(r.Value) > 0:
		rec.Value = []byte(r.Value)
	case r.ValueText != nil:
		rec.Value = []byte(*r.ValueText)
	case r.ValueHex != "":
		b, err := hex.DecodeString(r.ValueHex)
		if err != nil {
			t.Fatalf("value_hex: %v", err)
		}
		rec.Value = b
	}
	return rec
}

// TestVectors decodes every vector, checks the hand-written expectations,
// and compares the whole decoded event with the golden file (regenerate
// with go test ./event -run TestVectors -update, then review the diff).
func TestVectors(t *testing.T) {
	files, err := filepath.Glob("testdata/vectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, ".golden.json") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) { runVectorFile(t, file) })
	}
}

func runVectorFile(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var vf vectorFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&vf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if vf.Source == "" {
		t.Errorf("%s: says not where its vectors come from (source)", file)
	}
	cfg, err := ParseConfig([]byte(vf.Config))
	if err != nil {
		t.Fatalf("%s: config: %v", file, err)
	}
	d := NewDecoder(cfg)
	got := map[string]json.RawMessage{}
	var order []string
	for _, v := range vf.Records {
		e := d.Decode(v.Record.record(t), vectorIngestedAt)
		b, err := json.MarshalIndent(e, "  ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got[v.Name] = b
		order = append(order, v.Name)
		checkWant(t, v, b)
	}
	golden := strings.TrimSuffix(file, ".json") + ".golden.json"
	if *update {
		writeGolden(t, golden, order, got)
		return
	}
	wantRaw, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var want map[string]any
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatalf("%s: %v", golden, err)
	}
	for _, name := range order {
		var g any
		_ = json.Unmarshal(got[name], &g)
		if diff := cmp.Diff(want[name], g); diff != "" {
			t.Errorf("%s: decoded event differs from %s (-golden +got):\n%s", name, golden, diff)
		}
	}
	if len(want) != len(order) {
		t.Errorf("%s has %d records, vectors have %d (run with -update)", golden, len(want), len(order))
	}
}

func checkWant(t *testing.T, v vector, b []byte) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(v.Want) == 0 {
		t.Errorf("%s: no hand-written expectations (want)", v.Name)
	}
	for k, w := range v.Want {
		g, ok := got[k]
		if k == "decode_error" { // a substring is enough
			if s, _ := g.(string); !strings.Contains(s, w.(string)) || w == "" && s != "" {
				t.Errorf("%s: decode_error = %q, want it to contain %q", v.Name, s, w)
			}
			continue
		}
		if !ok && w == "" {
			continue // omitted empty field
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", v.Name, k, diff)
		}
	}
}

func writeGolden(t *testing.T, path string, order []string, got map[string]json.RawMessage) {
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, name := range order {
		k, _ := json.Marshal(name)
		buf.WriteString("  " + string(k) + ": ")
		buf.Write(got[name])
		if i < len(order)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("}\n")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
