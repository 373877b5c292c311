package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
)

var insT0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

func insOpen(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "events.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// insEvent returns an event of flow corr on topic that arrived at insT0+at.
func insEvent(g *storetest.Gen, topic, corr, typ string, at time.Duration, payload string) event.Event {
	e := g.Event(topic, corr, fmt.Sprintf("%s-%s-%v", corr, topic, at), "", at)
	e.Type, e.Payload, e.PayloadSize = typ, []byte(payload), len(payload)
	return e
}

func insWrite(t *testing.T, s *Store, evs ...event.Event) {
	t.Helper()
	if err := s.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
}

func TestInsightsTopicRates(t *testing.T) {
	s := insOpen(t)
	g := storetest.NewGen(insT0)
	insWrite(t, s,
		insEvent(g, "orders", "a", "OrderPlaced", -time.Minute, `{}`), // before the window
		insEvent(g, "orders", "a", "OrderPlaced", 10*time.Second, `{}`),
		insEvent(g, "orders", "b", "OrderPlaced", 30*time.Second, `{}`),
		insEvent(g, "payments", "a", "PaymentRequested", 90*time.Second, `{}`),
	)
	insWrite(t, s,
		insEvent(g, "orders", "c", "OrderPlaced", 9*time.Minute+59*time.Second, `{}`),
		insEvent(g, "orders", "d", "OrderPlaced", 10*time.Minute, `{}`), // the end is exclusive
	)
	got, err := s.TopicRates(t.Context(), insT0, insT0.Add(10*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.TopicSeries{
		{Topic: "orders", Start: insT0, Step: time.Minute, Counts: []int64{2, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{Topic: "payments", Start: insT0, Step: time.Minute, Counts: []int64{0, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TopicRates (-want +got):\n%s", diff)
	}
	empty, err := s.TopicRates(t.Context(), insT0.Add(time.Hour), insT0.Add(2*time.Hour), time.Minute)
	if err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("TopicRates of an empty window = %v, %v; want [] and no error", empty, err)
	}
}

func TestInsightsSlowestFlows(t *testing.T) {
	s := insOpen(t)
	g := storetest.NewGen(insT0)
	insWrite(t, s, g.Chain("orders", "old", 2, -time.Hour, 10*time.Minute)...) // ended before since
	insWrite(t, s, g.Chain("orders", "fast", 2, 0, time.Second)...)
	insWrite(t, s, g.Chain("orders", "slow", 3, 0, time.Minute)...)
	insWrite(t, s, g.Chain("orders", "mid", 2, time.Minute, 30*time.Second)...)
	got, err := s.SlowestFlows(t.Context(), insT0.Add(-time.Minute), 2)
	if err != nil {
		t.Fatal(err)
	}
	if ids := insFlowIDs(got); !cmp.Equal(ids, []string{"slow", "mid"}) {
		t.Errorf("SlowestFlows = %v, want [slow mid]", ids)
	}
	if got[0].EventCount != 3 || !got[0].FirstTime.Equal(insT0) || !got[0].LastTime.Equal(insT0.Add(2*time.Minute)) ||
		!cmp.Equal(got[0].Services, []string{"svc-a", "svc-b", "svc-c"}) || got[0].Anomalies == nil {
		t.Errorf("slow flow summary = %+v", got[0])
	}
	all, err := s.SlowestFlows(t.Context(), insT0.Add(-time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if ids := insFlowIDs(all); !cmp.Equal(ids, []string{"slow", "mid", "fast"}) {
		t.Errorf("SlowestFlows = %v, want [slow mid fast]", ids)
	}
}

func insFlowIDs(fs []store.FlowSummary) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.CorrelationID)
	}
	return out
}

func TestInsightsEventTypes(t *testing.T) {
	s := insOpen(t)
	g := storetest.NewGen(insT0)
	v := func(e event.Event, version string) event.Event { e.Version = version; return e }
	insWrite(t, s,
		insEvent(g, "orders", "x", "OrderPlaced", -3*time.Hour, `{"pizza":"old"}`), // before the baseline
		v(insEvent(g, "orders", "a", "OrderPlaced", -30*time.Minute, `{"pizza":"x"}`), "1"),
		insEvent(g, "kitchen", "a", "PizzaPrepared", -20*time.Minute, `{"oven":1}`),
	)
	insWrite(t, s,
		v(insEvent(g, "orders", "b", "OrderPlaced", time.Minute, `{"pizza":"y"}`), "1"),
		v(insEvent(g, "orders", "c", "OrderPlaced", 2*time.Minute, `{"pizza":"y","tip":2}`), "1"),
		v(insEvent(g, "orders", "d", "OrderPlaced", 3*time.Minute, `{"pizza":"y"}`), "2"),
		insEvent(g, "loyalty", "b", "PointsAdded", 4*time.Minute, `not json`),
	)
	got, err := s.EventTypes(t.Context(), insT0.Add(-time.Hour), insT0)
	if err != nil {
		t.Fatal(err)
	}
	at := func(m int) time.Time { return insT0.Add(time.Duration(m) * time.Minute) }
	want := []store.TypeInfo{
		{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza"}, FirstSeen: at(1), LastSeen: at(1), Events: 1, Known: true, TypeKnown: true},
		{Type: "OrderPlaced", Version: "1", Fields: []string{"pizza", "tip"}, FirstSeen: at(2), LastSeen: at(2), Events: 1, TypeKnown: true},
		{Type: "OrderPlaced", Version: "2", Fields: []string{"pizza"}, FirstSeen: at(3), LastSeen: at(3), Events: 1, TypeKnown: true},
		{Type: "PointsAdded", Fields: []string{}, FirstSeen: at(4), LastSeen: at(4), Events: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EventTypes (-want +got):\n%s", diff)
	}
}

func TestInsightsRecentEvents(t *testing.T) {
	s := insOpen(t)
	g := storetest.NewGen(insT0)
	// Many old rows, so the binary search over the rowid has work to do.
	var old []event.Event
	for i := range 3000 {
		old = append(old, insEvent(g, "orders", fmt.Sprintf("old%d", i), "OrderPlaced", -time.Hour+time.Duration(i)*time.Millisecond, `{}`))
	}
	insWrite(t, s, old...)
	insWrite(t, s, insEvent(g, "orders", "n1", "OrderPlaced", time.Second, `{"a":1}`))
	insWrite(t, s, insEvent(g, "orders", "n2", "OrderPlaced", 2*time.Second, `{"a":2}`),
		insEvent(g, "payments", "n2", "PaymentRequested", 3*time.Second, `{"a":3}`))
	got, err := s.RecentEvents(t.Context(), insT0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ids := storetest.IDs(got); !cmp.Equal(ids, []string{"n2-payments-3s", "n2-orders-2s", "n1-orders-1s"}) {
		t.Errorf("RecentEvents = %v", ids)
	}
	if len(got) > 0 && string(got[0].Payload) != `{"a":3}` {
		t.Errorf("payload = %q, want it read", got[0].Payload)
	}
	two, err := s.RecentEvents(t.Context(), insT0, 2)
	if err != nil || len(two) != 2 {
		t.Errorf("RecentEvents limit 2 = %d events, %v", len(two), err)
	}
	all, err := s.RecentEvents(t.Context(), insT0.Add(-2*time.Hour), 5000)
	if err != nil || len(all) != 3003 {
		t.Errorf("RecentEvents of everything = %d events, %v; want 3003", len(all), err)
	}
	none, err := insOpen(t).RecentEvents(t.Context(), insT0, 10)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("RecentEvents on an empty store = %v, %v", none, err)
	}
}

// TestMatchesEventAgreesWithFlows checks store.MatchesEvent (the live
// tail's filter) against this store's Flows on flows of one event each:
// for every query without anomaly terms, the flows Flows lists are those
// whose event MatchesEvent accepts.
func TestMatchesEventAgreesWithFlows(t *testing.T) {
	s := insOpen(t)
	g := storetest.NewGen(insT0)
	var evs []event.Event
	for i, f := range []struct{ typ, src, topic, key, tenant, payload string }{
		{"OrderPlaced", "orders", "orders", "k1", "acme", `{"pizza":"margherita"}`},
		{"OrderPlaced", "orders", "orders.v2", "k2", "globex", `{"pizza":"funghi"}`},
		{"PaymentFailed", "payment", "payments.DLT", "k1", "acme", `{"error":"it's \"declined\""}`},
		{"Ping", "monitor", "health", "", "", `plain text`},
		{"", "", "misc", "k/3", "a=b", `ü 日本`},
	} {
		e := g.Event(f.topic, fmt.Sprintf("c%d", i), fmt.Sprintf("e%d", i), "", time.Duration(i)*time.Second)
		e.Type, e.Source, e.Key, e.Payload = f.typ, f.src, f.key, []byte(f.payload)
		e.Headers = []event.Header{{Key: "tenant", Value: f.tenant}}
		evs = append(evs, e)
	}
	insWrite(t, s, evs...)
	for _, q := range []string{
		"", "type:OrderPlaced", "type:Order*", "-type:Order*", "source:orders topic:orders*", "topic:orders",
		"key:k1", "-key:k1", "k1", "e3", "c2", "id:c*", "id:e*", "header:tenant=acme", "header:tenant=a*",
		"-header:tenant=acme", "header:tenant=a=b", `"pizza"`, `"\"declined\""`, `"日本"`, `-"pizza"`,
		"after:-1000000h", "type:OrderPlaced -source:orders", "source:*", "key:*", "-key:*",
		fmt.Sprintf("after:%s before:%s", insT0.Add(time.Second).Format(time.RFC3339), insT0.Add(3*time.Second).Format(time.RFC3339)),
	} {
		fq, err := store.ParseQuery(q, insT0)
		if err != nil {
			t.Fatalf("parse %q: %v", q, err)
		}
		want := []string{}
		for i := len(evs) - 1; i >= 0; i-- { // newest first
			if store.MatchesEvent(fq, &evs[i]) {
				want = append(want, evs[i].FlowID())
			}
		}
		fq.Limit = store.MaxLimit
		page, err := s.Flows(t.Context(), fq)
		if err != nil {
			t.Fatalf("Flows(%q): %v", q, err)
		}
		if got := insFlowIDs(page.Flows); !cmp.Equal(got, want) {
			t.Errorf("q=%q: Flows %q, MatchesEvent %q", q, got, want)
		}
	}
}
