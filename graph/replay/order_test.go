package replay_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph/replay"
)

// TestOrders replays a flow whose "shipped" event overtook the "paid" one
// in Kafka: by time the order ends shipped, by arrival it ends paid.
func TestOrders(t *testing.T) {
	placed := ev("e1", "", "OrderPlaced", "o", 0, `{"data":{"status":"placed"}}`)
	paid := ev("e2", "e1", "OrderPaid", "o", 10, `{"data":{"status":"paid","paid":true}}`)
	shipped := ev("e3", "e2", "OrderShipped", "o", 20, `{"data":{"status":"shipped"}}`)
	paid.IngestedAt = t0.Add(5 * time.Second) // arrived last
	// given out of time order, as a caller might
	evs := []eventT{shipped, placed, paid}

	type stepWant struct {
		ID                string
		TimeIdx, ArrivIdx int
		Moved             bool
	}
	tests := []struct {
		order replay.Order
		steps []stepWant
		final string
	}{
		{order: replay.ByTime, final: `{"paid":true,"status":"shipped"}`, steps: []stepWant{
			{"e1", 0, 0, false}, {"e2", 1, 2, true}, {"e3", 2, 1, false},
		}},
		{order: replay.ByArrival, final: `{"paid":true,"status":"paid"}`, steps: []stepWant{
			{"e1", 0, 0, false}, {"e3", 2, 1, false}, {"e2", 1, 2, true},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.order.String(), func(t *testing.T) {
			steps := replay.Steps(evs, replay.Options{Order: tc.order})
			var got []stepWant
			for k, s := range steps {
				if s.Index != k || &evs[s.Source] != s.Event {
					t.Errorf("step %d: Index %d, Source %d does not point at its event", k, s.Index, s.Source)
				}
				got = append(got, stepWant{s.Event.EventID, s.TimeIndex, s.ArrivalIndex, s.Moved})
			}
			if diff := cmp.Diff(tc.steps, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
			if s := state(t, steps[2]); s != tc.final {
				t.Errorf("final state %s, want %s", s, tc.final)
			}
			if !replay.OrdersDiffer(steps) {
				t.Errorf("OrdersDiffer = false")
			}
		})
	}
}

func TestArrivalTies(t *testing.T) {
	a := ev("a", "", "T", "k", 30, `{}`)
	b := ev("b", "", "T", "k", 20, `{}`)
	c := ev("c", "", "T", "k", 10, `{}`)
	d := ev("d", "", "T", "k", 0, `{}`)
	batch := t0.Add(time.Minute)
	a.IngestedAt, b.IngestedAt, c.IngestedAt = batch, batch, batch
	a.KafkaTime, b.KafkaTime = t0, t0 // same Kafka time: topic, partition, offset decide
	a.Partition, b.Partition = 1, 0
	c.KafkaTime = t0.Add(-time.Second)
	d.IngestedAt = time.Time{} // unknown: first
	steps := replay.Steps([]eventT{a, b, c, d}, replay.Options{Order: replay.ByArrival})
	if got := ids(steps); !cmp.Equal(got, []string{"d", "c", "b", "a"}) {
		t.Errorf("arrival order %v", got)
	}
	if replay.OrdersDiffer(replay.Steps([]eventT{d, c, b}, replay.Options{})) {
		t.Errorf("orders of d, c, b differ; want same")
	}
	if got := replay.ArrivalTime(&d); !got.Equal(d.KafkaTime) {
		t.Errorf("ArrivalTime without IngestedAt = %v, want Kafka time", got)
	}
}

// TestMoved checks that Moved marks the fewest events: one late event in a
// long flow moves alone, not every event it jumped over.
func TestMoved(t *testing.T) {
	var evs []eventT
	for i := 0; i < 8; i++ {
		e := ev(string(rune('a'+i)), "", "T", "k", i*10, `{}`)
		e.IngestedAt = t0.Add(time.Duration(i) * time.Second)
		evs = append(evs, e)
	}
	evs[1].IngestedAt = t0.Add(time.Hour) // b arrived last
	evs[6].IngestedAt = t0                // g arrived first, with a
	var moved []string
	for _, s := range replay.Steps(evs, replay.Options{}) {
		if s.Moved {
			moved = append(moved, s.Event.EventID)
		}
	}
	if !cmp.Equal(moved, []string{"b", "g"}) {
		t.Errorf("moved %v, want [b g]", moved)
	}
	if len(replay.Steps(nil, replay.Options{})) != 0 {
		t.Errorf("steps of no events")
	}
}
