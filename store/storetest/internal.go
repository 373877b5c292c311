package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// runWrapped checks that the raw copies of a wrapped value and key (a Kafka
// Connect envelope, issue 24) are kept next to what they wrap.
func runWrapped(t *testing.T, o Opener) {
	e := MakeEvent("outbox.payment", 0, 1, "pay-1", "c-wrap", "", Base)
	e.Key, e.KeyRaw = "pay-123", `{"schema":{"type":"string","optional":false},"payload":"pay-123"}`
	e.Payload = []byte(`{"paymentId":"pay-123"}`)
	e.PayloadSize = len(e.Payload)
	e.PayloadRaw = []byte(`{"schema":{"type":"string","name":"io.debezium.data.Json"},"payload":"{\"paymentId\":\"pay-123\"}"}`)
	plain := MakeEvent("outbox.payment", 0, 2, "pay-2", "c-wrap", "pay-1", Base.Add(time.Second))
	s := o.with(t, []event.Event{e, plain})
	got := mustFlow(t, s, "c-wrap")
	if len(got) != 2 {
		t.Fatalf("flow has %d events, want 2", len(got))
	}
	if got[0].KeyRaw != e.KeyRaw || string(got[0].PayloadRaw) != string(e.PayloadRaw) || got[0].Key != "pay-123" {
		t.Errorf("wrapped event read back as key %q key_raw %q payload_raw %q", got[0].Key, got[0].KeyRaw, got[0].PayloadRaw)
	}
	if got[1].KeyRaw != "" || got[1].PayloadRaw != nil {
		t.Errorf("plain event read back with key_raw %q payload_raw %q, want none", got[1].KeyRaw, got[1].PayloadRaw)
	}
	res, err := s.Resolve(t.Context(), "pay-123")
	if err != nil || res.FlowID != "c-wrap" {
		t.Errorf("Resolve(pay-123) = %+v, %v; want flow c-wrap (the key by its value)", res, err)
	}
}

// runInternal checks internal records (Event.Internal, issue 24): stored
// and returned with their flow, flagged, but no part of its summary, of
// the flow list, or of the counts; a flow of internal records only is not
// listed.
func runInternal(t *testing.T, o Opener) {
	g := NewGen(Base)
	biz := g.Chain("orders", "c-int", 2, 0, time.Second)
	copyOf := func(topic string, offset int64, src event.Event) event.Event {
		c := MakeEvent(topic, 0, offset, src.EventID, src.CorrelationID, src.CausationID, src.Time.Add(time.Millisecond))
		c.Internal, c.Type, c.Source = true, "Internal", "streams-app"
		return c
	}
	repart := copyOf("app-KSTREAM-KEY-SELECT-0000000002-repartition", 0, biz[0])
	changelog := copyOf("app-store-changelog", 0, biz[1])
	alone := MakeEvent("app-store-changelog", 0, 1, "x-1", "c-only-internal", "missing", Base)
	alone.Internal = true
	s := o.with(t, append(biz, repart, changelog, alone))
	got := mustFlow(t, s, "c-int")
	internal := 0
	for _, e := range got {
		if e.Internal {
			internal++
		}
	}
	if len(got) != 4 || internal != 2 {
		t.Errorf("flow has %d events (%d internal), want 4 (2 internal)", len(got), internal)
	}
	sum := summaryOf(t, s, "c-int")
	want := store.FlowSummary{CorrelationID: "c-int", FirstTime: biz[0].Time, LastTime: biz[1].Time, EventCount: 2,
		Services: sum.Services, Types: sum.Types, Anomalies: []string{}, Status: "ok"}
	if d := cmp.Diff(want, sum); d != "" {
		t.Errorf("summary counts internal records (-want +got):\n%s", d)
	}
	for _, typ := range sum.Types {
		if typ == "Internal" {
			t.Errorf("summary types %v include an internal record's", sum.Types)
		}
	}
	page := mustFlows(t, s, store.FlowQuery{})
	for _, f := range page.Flows {
		if f.CorrelationID == "c-only-internal" {
			t.Errorf("a flow of internal records only is listed: %+v", f)
		}
	}
	if ins, ok := s.(store.Insights); ok {
		series, err := ins.TopicRates(t.Context(), Base.Add(-time.Hour), Base.Add(time.Hour), time.Minute)
		if err != nil {
			t.Fatalf("TopicRates: %v", err)
		}
		for _, ts := range series {
			if ts.Topic != "orders" {
				t.Errorf("TopicRates has internal topic %q", ts.Topic)
			}
		}
	}
	st := mustStats(t, s)
	if st.Events != 2 || len(st.Topics) != 1 || st.Topics[0].Topic != "orders" {
		t.Errorf("stats = %+v, want 2 events on orders only", st)
	}
	wantInternal := []store.TopicCount{{Topic: "app-KSTREAM-KEY-SELECT-0000000002-repartition", Events: 1}, {Topic: "app-store-changelog", Events: 2}}
	if d := cmp.Diff(wantInternal, st.Internal); d != "" {
		t.Errorf("internal topic counts (-want +got):\n%s", d)
	}
}
