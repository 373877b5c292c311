package redrive

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func TestPlan(t *testing.T) {
	base := event.Event{Topic: "orders.DLT", Partition: 2, Offset: 9, Key: "o-1", Payload: []byte(`{"id":1}`)}
	for _, c := range []struct {
		name, header, topic string
	}{
		{"spring", "kafka_dlt-original-topic", "orders"},
		{"connect", "__connect.errors.topic", "orders-in"},
		{"plain", "DLT-Original-Topic", "orders"},
	} {
		e := base
		e.Headers = []event.Header{{Key: "x", Value: "1"}, {Key: c.header, Value: c.topic},
			{Key: HeaderBy, Value: "old"}}
		r, err := Plan(&e, "alice")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := Record{Topic: c.topic, Key: []byte("o-1"), Value: []byte(`{"id":1}`),
			From: store.Coord{Topic: "orders.DLT", Partition: 2, Offset: 9}, OriginHeader: r.OriginHeader,
			Headers: []event.Header{{Key: "x", Value: "1"}, {Key: c.header, Value: c.topic},
				{Key: HeaderFrom, Value: "orders.DLT/2/9"}, {Key: HeaderBy, Value: "alice"}}}
		if d := cmp.Diff(want, r); d != "" {
			t.Errorf("%s: Plan -want +got:\n%s", c.name, d)
		}
	}
	// The raw (unwrapped) value and key win over the decoded ones.
	e := base
	e.Headers = []event.Header{{Key: "dlt-original-topic", Value: "orders"}}
	e.PayloadRaw, e.KeyRaw = []byte(`{"payload":{"id":1}}`), `"o-1"`
	if r, err := Plan(&e, "bob"); err != nil || string(r.Value) != `{"payload":{"id":1}}` || string(r.Key) != `"o-1"` {
		t.Errorf("raw: %+v %v", r, err)
	}
	if _, err := Plan(&base, "bob"); !errors.Is(err, ErrNoOrigin) {
		t.Errorf("no origin header: %v, want ErrNoOrigin", err)
	}
	e = base
	e.Headers, e.Truncated = []event.Header{{Key: "dlt-original-topic", Value: "orders"}}, true
	if _, err := Plan(&e, "bob"); err == nil {
		t.Error("a truncated value was planned")
	}
	e.Headers, e.Truncated = []event.Header{{Key: "dlt-original-topic", Value: "orders.DLT"}}, false
	if _, err := Plan(&e, "bob"); err == nil {
		t.Error("a redrive to the record's own topic was planned")
	}
}

func TestOrigins(t *testing.T) {
	o, err := ParseOrigins(" Legacy-* = x-source-topic, src ; billing.dead=orig ")
	if err != nil {
		t.Fatal(err)
	}
	if len(o) != 2 || o[0].Topic != "legacy-*" || len(o[0].Headers) != 2 || o[1].Headers[0] != "orig" {
		t.Fatalf("parsed %+v", o)
	}
	hs := []event.Header{{Key: "src", Value: "a"}, {Key: "dlt-original-topic", Value: "b"}}
	for topic, want := range map[string]string{"LEGACY-dlq": "a", "other.DLT": "b"} {
		if got, _ := o.Origin(topic, hs); got != want {
			t.Errorf("origin on %s = %q, want %q", topic, got, want)
		}
	}
	e := &event.Event{Topic: "billing.dead", Headers: []event.Header{{Key: "x", Value: "y"}}}
	if _, err := o.Plan(e, "u"); !errors.Is(err, ErrNoOrigin) || !strings.Contains(err.Error(), "orig, kafka_dlt-original-topic") {
		t.Errorf("plan without origin: %v", err)
	}
	for _, bad := range []string{"nohdr", "x=", "[=h", "=h"} {
		if _, err := ParseOrigins(bad); err == nil {
			t.Errorf("ParseOrigins(%q) accepted", bad)
		}
	}
}
