package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Rewriter is store.Rewriter: records stored again in the flow a later
// decoding of their payload names (issue 19).
const Rewriter Capability = "store.Rewriter"

// pending is a record whose wire-format payload (schema 7) could not be
// decoded at ingest: no IDs but its key.
func pending(topic string, offset int64, key string, t time.Time) event.Event {
	e := MakeEvent(topic, 0, offset, event.Coordinates(topic, 0, offset), "", "", t)
	e.IDSource, e.Key, e.Type, e.Source, e.Convention = event.IDSourceDerived, key, "", "", ""
	e.Payload = []byte{0, 0, 0, 0, 7, 2, 'x'}
	e.PayloadSize, e.ContentType = len(e.Payload), "application/octet-stream"
	e.DecodeError = event.PendingNote(7) + "registry unreachable"
	e.Headers = nil
	return e
}

// decoded is old decoded again: IDs from the payload, JSON, later IngestedAt.
func decoded(old event.Event, id, corr, cause string, t time.Time) event.Event {
	n := old
	n.EventID, n.IDSource, n.CorrelationID, n.CausationID = id, "", corr, cause
	n.Type, n.Source, n.Convention, n.Time = "Paid", "payments", "json-envelope", t
	n.Payload = []byte(`{"eventId":"` + id + `","correlationId":"` + corr + `"}`)
	n.PayloadRaw = old.Payload
	n.PayloadSize, n.ContentType, n.DecodeError = len(n.Payload), "application/json; schema=avro; schema-id=7", ""
	n.IngestedAt = old.IngestedAt.Add(time.Hour)
	return n
}

func runRewrite(t *testing.T, o Opener, lacks []Capability) {
	root := MakeEvent("orders", 0, 1, "a", "c-rw", "", Base)
	moved := pending("payments", 5, "order-9", Base.Add(time.Second))
	same := pending("payments", 6, "", Base.Add(2*time.Second))
	same.CorrelationID = "c-same"
	other := pending("payments", 7, "order-10", Base.Add(3*time.Second))
	other.DecodeError = event.PendingNote(8) + "not found"
	s := o.with(t, []event.Event{root, moved, same, other})
	rw := capable[store.Rewriter](t, s, Rewriter, lacks)
	ctx := t.Context()

	ids, err := rw.WaitingSchemas(ctx)
	if slices.Sort(ids); err != nil || !slices.Equal(ids, []int32{7, 8}) {
		t.Errorf("WaitingSchemas = %v, %v; want [7 8]", ids, err)
	}
	got, err := rw.Undecoded(ctx, event.PendingNote(7), 10)
	if err != nil {
		t.Fatalf("Undecoded: %v", err)
	}
	if len(got) != 2 || got[0].DecodeError != moved.DecodeError || got[1].DecodeError != moved.DecodeError {
		t.Fatalf("Undecoded(schema 7) = %d records %v, want the 2 waiting for schema 7", len(got), coords(got))
	}
	if one, _ := rw.Undecoded(ctx, event.PendingNote(7), 1); len(one) != 1 {
		t.Errorf("Undecoded limit 1 returned %d records", len(one))
	}
	movedNew := decoded(moved, "b", "c-rw", "a", Base.Add(1500*time.Millisecond))
	sameNew := decoded(same, "s", "c-same", "", Base.Add(-time.Second))
	for range 2 { // the second time is a no-op
		if err := rw.Rewrite(ctx, []store.Rewrite{{Old: moved, New: movedNew}, {Old: same, New: sameNew}}); err != nil {
			t.Fatalf("Rewrite: %v", err)
		}
		flow := mustFlow(t, s, "c-rw")
		if len(flow) != 2 || flow[1].EventID != "b" || string(flow[1].Payload) != string(movedNew.Payload) || flow[1].DecodeError != "" {
			t.Fatalf("flow c-rw after the rewrite: %v, want a then b decoded", coords(flow))
		}
		if _, err := s.Flow(ctx, moved.FlowID()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the old flow %s: err %v, want ErrNotFound", moved.FlowID(), err)
		}
		if evs, err := s.EventsByID(ctx, "b"); err != nil || len(evs) != 1 || evs[0].FlowID() != "c-rw" {
			t.Errorf("EventsByID(b) = %v, %v", coords(evs), err)
		}
		if _, err := s.EventsByID(ctx, moved.EventID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("EventsByID(old derived ID): err %v, want ErrNotFound", err)
		}
		sf := mustFlow(t, s, "c-same")
		if len(sf) != 1 || sf[0].EventID != "s" || !sf[0].Time.Equal(sameNew.Time) || sf[0].Type != "Paid" {
			t.Errorf("flow c-same after a rewrite in place: %+v", sf)
		}
		if sum := summaryOf(t, s, "c-rw"); sum.EventCount != 2 || !sum.LastTime.Equal(movedNew.Time) {
			t.Errorf("summary of c-rw: %d events, last %v; want 2, %v", sum.EventCount, sum.LastTime, movedNew.Time)
		}
		if left, err := rw.Undecoded(ctx, event.PendingNote(7), 10); err != nil || len(left) != 0 {
			t.Errorf("Undecoded(schema 7) after the rewrite = %v, %v; want none", coords(left), err)
		}
		if ids, _ := rw.WaitingSchemas(ctx); !slices.Contains(ids, 8) {
			t.Errorf("WaitingSchemas after the rewrite = %v, want 8 among them", ids)
		}
		if left, _ := rw.Undecoded(ctx, event.PendingNote(8), 10); len(left) != 1 || left[0].Offset != 7 {
			t.Errorf("Undecoded(schema 8) = %v, want the one record", coords(left))
		}
		if st := mustStats(t, s); st.Events != 4 {
			t.Errorf("stats count %d events, want 4 (a rewrite is no new record)", st.Events)
		}
	}
}

func coords(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i := range evs {
		out[i] = evs[i].Coordinates() + " " + evs[i].EventID + " in " + evs[i].FlowID()
	}
	return out
}
