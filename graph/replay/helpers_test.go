package replay_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph/replay"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// ev is an event at t0+ms on topic "t" with the next offset, Kafka key key
// and payload p (JSON unless it is not).
func ev(id, cause, typ, key string, ms int, p string) event.Event {
	at := t0.Add(time.Duration(ms) * time.Millisecond)
	return event.Event{
		EventID: id, CorrelationID: "flow", CausationID: cause, Type: typ, Key: key,
		Time: at, KafkaTime: at, IngestedAt: at.Add(time.Second),
		Topic: "t", Offset: int64(ms), Payload: []byte(p), PayloadSize: len(p),
	}
}

// state renders a step's entity state as compact JSON ("null" for none).
func state(t *testing.T, s replay.Step) string {
	t.Helper()
	return compact(t, s.State)
}

func compact(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

// changes renders a step's changes as "op path old->new" lines.
func changes(t *testing.T, s replay.Step) []string {
	t.Helper()
	var out []string
	for _, c := range s.Changes {
		out = append(out, c.Op+" "+c.Path+" "+compact(t, c.Old)+"->"+compact(t, c.New))
	}
	return out
}

// ids lists the steps' event IDs.
func ids(steps []replay.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Event.EventID)
	}
	return out
}

type eventT = event.Event
