package graph_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// ev makes an event of flow "f1" at t0+atMS on topic "t" (offset = order
// of creation, so records stay distinct).
func ev(id, cause, typ string, atMS int) event.Event {
	return event.Event{EventID: id, CorrelationID: "f1", CausationID: cause, Type: typ,
		Source: "svc-" + typ, Time: t0.Add(time.Duration(atMS) * time.Millisecond), Topic: "t"}
}

// seq numbers the offsets of events in order.
func seq(events ...event.Event) []event.Event {
	for i := range events {
		events[i].Offset = int64(i)
	}
	return events
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
