package sim

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/schema"
)

// TestAvroLoyaltyDecodes: the demo's Avro loyalty records decode with the
// schemas the demo writes to its --schema-dir, and their IDs come out.
func TestAvroLoyaltyDecodes(t *testing.T) {
	dir := t.TempDir()
	for name, text := range AvroSchemas() {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := schema.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := encode(outEvent{ID: "e-2", Type: TypePointsAwarded, Topic: TopicLoyalty, OrderID: "o-1", CorrelationID: "c-1",
		CausationID: "e-1", Source: "loyalty-service", Time: time.Unix(1765000000, 0), Data: map[string]int{"points": 3}}, convAvro)
	if err != nil {
		t.Fatal(err)
	}
	value, _ := msg.Value.Encode()
	dec := event.NewDecoder(event.Config{Schemas: schema.NewDecoder(src, schema.Options{})})
	e := dec.Decode(event.Record{Topic: TopicLoyalty, Key: []byte("o-1"), Value: value}, time.Now())
	if e.EventID != "e-2" || e.CorrelationID != "c-1" || e.CausationID != "e-1" || e.Type != TypePointsAwarded || e.Source != "loyalty-service" {
		t.Errorf("decoded %q %q %q %q %q (%s, %q)", e.EventID, e.CorrelationID, e.CausationID, e.Type, e.Source, e.Payload, e.DecodeError)
	}
	if !e.Time.Equal(time.Unix(1765000000, 0)) {
		t.Errorf("time %v", e.Time)
	}
}
