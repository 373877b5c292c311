package event

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the decoders; run each briefly, e.g.
//
//	go test ./event -run '^$' -fuzz '^FuzzDecodeHeaders$' -fuzztime 20s
//
// Crashers found are kept under testdata/fuzz/<target>/ and rerun by every
// plain go test.

// vectorSeeds returns the records of the golden vectors as fuzz seeds.
func vectorSeeds(f *testing.F) []Record {
	files, _ := filepath.Glob("testdata/vectors/*.json")
	var out []Record
	for _, file := range files {
		if strings.HasSuffix(file, ".golden.json") {
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var vf vectorFile
		if err := json.Unmarshal(raw, &vf); err != nil {
			f.Fatal(err)
		}
		for _, v := range vf.Records {
			out = append(out, v.Record.record(&testing.T{}))
		}
	}
	return out
}

// checkInvariants holds for every decoded record, whatever its bytes.
func checkInvariants(t *testing.T, d *Decoder, r Record, e Event) {
	t.Helper()
	if e.EventID == "" {
		t.Fatal("empty event ID")
	}
	size := len(r.Value)
	if e.PayloadRaw != nil { // a Connect envelope: the payload is what it wraps
		if len(e.PayloadRaw) != min(len(r.Value), d.cfg.PayloadCap) || !bytes.HasPrefix(r.Value, e.PayloadRaw) {
			t.Fatalf("payload_raw: %d bytes of a %d-byte value", len(e.PayloadRaw), len(r.Value))
		}
		size = e.PayloadSize
	}
	if e.PayloadSize != size || len(e.Payload) > d.cfg.PayloadCap || e.Truncated != (size > d.cfg.PayloadCap) {
		t.Fatalf("payload: size %d of %d, kept %d, truncated %v", e.PayloadSize, len(r.Value), len(e.Payload), e.Truncated)
	}
	if e.Time.IsZero() != r.Timestamp.IsZero() && e.Time.IsZero() {
		t.Fatal("zero event time with a record timestamp")
	}
	if again := d.Decode(r, e.IngestedAt); !reflect.DeepEqual(again, e) {
		t.Fatalf("decode is not deterministic:\n%+v\n%+v", e, again)
	}
	if _, err := json.Marshal(e); err != nil {
		t.Fatalf("marshal: %v", err)
	}
}

var fuzzTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// FuzzDecodeHeaders fuzzes header names and values (CloudEvents binary,
// framework and plain headers, traceparent, b3, times).
func FuzzDecodeHeaders(f *testing.F) {
	for _, r := range vectorSeeds(f) {
		for _, h := range r.Headers {
			f.Add(h.Key, h.Value, "content-type", "application/json")
		}
	}
	f.Add("axon-message-timestamp", "\x00\x00\x01\x8d\x07\x7c\x50\x9b", "MT-MessageType", "urn:message:")
	f.Add("NServiceBus.TimeSent", "2024-03-10 15:04:05:123456 Z", "b3", "-")
	d := NewDecoder(Config{})
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		r := Record{Topic: "t", Timestamp: fuzzTime, Headers: []Header{{Key: k1, Value: v1}, {Key: k2, Value: v2}}, Value: []byte(`{"id":1}`)}
		checkInvariants(t, d, r, d.Decode(r, fuzzTime))
	})
}

// FuzzDecodeValue fuzzes the value with a content type (JSON envelopes,
// CloudEvents structured and batch, MassTransit, schema-registry framing).
func FuzzDecodeValue(f *testing.F) {
	for _, r := range vectorSeeds(f) {
		ct := ""
		for _, h := range r.Headers {
			if strings.EqualFold(h.Key, "content-type") {
				ct = h.Value
			}
		}
		f.Add(r.Value, ct)
	}
	f.Add([]byte(`[{"specversion":"1.0","id":[1,{"a":2}]}]`), "application/cloudevents-batch+json")
	f.Add([]byte("\x00\x00\x00\x00\x01"), "")
	d := NewDecoder(Config{PayloadCap: 64})
	f.Fuzz(func(t *testing.T, in []byte, ct string) {
		v := append([]byte(nil), in...) // the engine's input must stay unmodified
		r := Record{Topic: "t", Timestamp: fuzzTime, Headers: []Header{{Key: "content-type", Value: ct}}, Value: v}
		e := d.Decode(r, fuzzTime)
		checkInvariants(t, d, r, e)
		// No decoded string may alias the value: scribble over it.
		before := e
		for i := range v {
			v[i] ^= 0xff
		}
		if e.EventID != before.EventID || e.CorrelationID+e.CausationID+e.Type+e.Source+e.Version != before.CorrelationID+before.CausationID+before.Type+before.Source+before.Version {
			t.Fatal("decoded fields alias the value")
		}
	})
}

// FuzzDecodeConfig fuzzes config files and what a decoder built from an
// accepted one does with a record.
func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte("conventions:\n  - name: a\n    topics: [\"t*\"]\n    fields:\n      correlation_id: {json: a.b}\n      time: {header: at}\n"), []byte(`{"a":{"b":"x"}}`))
	f.Add([]byte("payload_cap: 1KiB\ndead_letter_topics: [\"*.x\"]\n"), []byte(`{}`))
	f.Add([]byte("a: &x [*x]\n"), []byte(``))
	f.Add([]byte("conventions:\n  - &c {fields: {type: {json: \"#\"}}}\n  - *c\n"), []byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, conf, v []byte) {
		cfg, err := ParseConfig(conf)
		if err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("ParseConfig accepted what Validate rejects: %v", err)
		}
		d := NewDecoder(cfg)
		r := Record{Topic: "t1", Timestamp: fuzzTime, Headers: []Header{{Key: "at", Value: string(v)}}, Value: v}
		checkInvariants(t, d, r, d.Decode(r, fuzzTime))
	})
}
