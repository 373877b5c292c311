package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func runWrite(t *testing.T, o Opener) {
	t.Run("EmptyWriteIsFine", func(t *testing.T) {
		s := o.fresh(t)
		for _, b := range [][]event.Event{nil, {}} {
			if err := s.Write(ctx(t), b); err != nil {
				t.Fatalf("Write(%#v): %v", b, err)
			}
		}
		if st := mustStats(t, s); st.Events != 0 || st.Flows != 0 || len(st.Topics) != 0 {
			t.Errorf("Stats after empty writes = %+v, want zero", st)
		}
		if p := mustFlows(t, s, store.FlowQuery{}); len(p.Flows) != 0 || p.NextCursor != "" {
			t.Errorf("Flows on empty store = %+v, want none", p)
		}
		if err := s.Ping(ctx(t)); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
	t.Run("RoundTripAllFields", func(t *testing.T) {
		full := fullEvent()
		s := o.with(t, []event.Event{full})
		want := []event.Event{full}
		want[0].Time, want[0].KafkaTime, want[0].IngestedAt = full.Time.UTC(), full.KafkaTime.UTC(), full.IngestedAt.UTC()
		CheckEvents(t, "Flow", want, mustFlow(t, s, full.CorrelationID))
		got, err := s.EventsByID(ctx(t), full.EventID)
		if err != nil {
			t.Fatalf("EventsByID: %v", err)
		}
		CheckEvents(t, "EventsByID", want, got)
	})
	t.Run("RoundTripZeroValues", func(t *testing.T) {
		// Only the identity is set: zero times, no headers, no payload.
		bare := event.Event{EventID: "bare", CorrelationID: "c-bare", Topic: "t", Offset: 0}
		s := o.with(t, []event.Event{bare})
		CheckEvents(t, "Flow", []event.Event{bare}, mustFlow(t, s, "c-bare"))
	})
	t.Run("SameRecordTwiceInOneBatch", func(t *testing.T) {
		evs := NewGen(Base).Chain("orders", "c1", 3, 0, time.Second)
		s := o.with(t, append(append([]event.Event{}, evs...), evs[1], evs[0], evs[1]))
		checkOnce(t, s, "c1", evs)
	})
	t.Run("SameRecordTwiceAcrossBatches", func(t *testing.T) {
		evs := NewGen(Base).Chain("orders", "c1", 3, 0, time.Second)
		s := o.with(t, evs, evs, evs[1:2], Reversed(evs))
		checkOnce(t, s, "c1", evs)
	})
	t.Run("DuplicatePublicationKeepsBoth", func(t *testing.T) {
		g := NewGen(Base)
		a := g.Event("orders", "c1", "e1", "", 0)
		b := g.Event("orders", "c1", "e1", "", time.Second) // same event ID, another record
		c := g.Event("orders-retry", "c1", "e1", "", time.Second)
		s := o.with(t, []event.Event{c, a}, []event.Event{b, a})
		want := Sorted([]event.Event{a, b, c})
		CheckEvents(t, "Flow", want, mustFlow(t, s, "c1"))
		got, err := s.EventsByID(ctx(t), "e1")
		if err != nil {
			t.Fatalf("EventsByID: %v", err)
		}
		CheckEvents(t, "EventsByID", want, got)
		sum := summaryOf(t, s, "c1")
		if sum.EventCount != 3 {
			t.Errorf("EventCount = %d, want 3", sum.EventCount)
		}
	})
	t.Run("ReusedOffsetIsANewRecord", func(t *testing.T) {
		// A topic created again (or a new demo broker) hands out offset 0
		// again: same coordinates, a later Kafka timestamp, another record.
		old := MakeEvent("orders", 0, 0, "e-old", "c-old", "", Base)
		old.KafkaTime = Base
		reused := MakeEvent("orders", 0, 0, "e-new", "c-new", "", Base.Add(time.Hour))
		reused.KafkaTime = Base.Add(time.Hour)
		s := o.with(t, []event.Event{old}, []event.Event{reused, old})
		CheckEvents(t, "Flow(c-old)", []event.Event{old}, mustFlow(t, s, "c-old"))
		CheckEvents(t, "Flow(c-new)", []event.Event{reused}, mustFlow(t, s, "c-new"))
		if st := mustStats(t, s); st.Events != 2 {
			t.Errorf("Stats.Events = %d, want 2", st.Events)
		}
	})
	t.Run("LargeBatch5000", func(t *testing.T) {
		g := NewGen(Base)
		var evs []event.Event
		for f := range 250 {
			evs = append(evs, g.Chain(fmt.Sprintf("topic-%d", f%7), fmt.Sprintf("flow-%03d", f), 20, time.Duration(f)*time.Millisecond, time.Second)...)
		}
		s := o.with(t, evs)
		if st := mustStats(t, s); st.Events != 5000 || st.Flows != 250 || len(st.Topics) != 7 {
			t.Errorf("Stats = events %d flows %d topics %d, want 5000 250 7", st.Events, st.Flows, len(st.Topics))
		}
		CheckEvents(t, "Flow(flow-123)", evs[123*20:124*20], mustFlow(t, s, "flow-123"))
		if p := mustFlows(t, s, store.FlowQuery{Limit: store.MaxLimit}); len(p.Flows) != 250 {
			t.Errorf("Flows = %d flows, want 250", len(p.Flows))
		}
	})
}

// checkOnce checks that the flow holds evs exactly once, in every view.
func checkOnce(t *testing.T, s store.Store, flowID string, evs []event.Event) {
	t.Helper()
	CheckEvents(t, "Flow", evs, mustFlow(t, s, flowID))
	got, err := s.EventsByID(ctx(t), evs[1].EventID)
	if err != nil {
		t.Fatalf("EventsByID: %v", err)
	}
	CheckEvents(t, "EventsByID", evs[1:2], got)
	if st := mustStats(t, s); st.Events != int64(len(evs)) || st.Flows != 1 {
		t.Errorf("Stats = %+v, want %d events in 1 flow", st, len(evs))
	}
	sum := summaryOf(t, s, flowID)
	if sum.EventCount != len(evs) || len(sum.Anomalies) != 0 {
		t.Errorf("summary = %+v, want %d events and no anomalies", sum, len(evs))
	}
}

// fullEvent has every field set, with the awkward values a store must keep:
// repeated and ordered headers, a binary payload that is not UTF-8, times
// with nanoseconds in a non-UTC zone (the store returns them in UTC).
func fullEvent() event.Event {
	zone := time.FixedZone("X", 5*3600+30*60)
	return event.Event{
		EventID:       "7f/0/99",
		IDSource:      event.IDSourceDerived,
		CorrelationID: "corr-full",
		CausationID:   "cause-1",
		Type:          "OrderPlaced",
		Version:       "2",
		Source:        "orders-service",
		Time:          Base.Add(123 * time.Nanosecond).In(zone),
		Topic:         "orders.v1",
		Partition:     7,
		Offset:        1<<40 + 3,
		Key:           "order-\xff\x00-42",
		KafkaTime:     Base.Add(-time.Hour + 1).In(zone),
		IngestedAt:    Base.Add(time.Hour + 999).In(zone),
		Headers: []event.Header{
			{Key: "b", Value: "1"}, {Key: "a", Value: "2"}, {Key: "b", Value: "3"},
			{Key: "empty", Value: ""}, {Key: "bin", Value: "\x00\xff\xfe"}, {Key: "", Value: "no name"},
		},
		Payload:     []byte{0xff, 0xfe, 0x00, 'h', 'i', 0xc3, 0x28, 0x00},
		PayloadSize: 1 << 20,
		Truncated:   true,
		ContentType: "application/octet-stream",
		Convention:  "cloudevents-binary",
		DecodeError: `ce_time: parsing "yesterday": bad time`,
	}
}
