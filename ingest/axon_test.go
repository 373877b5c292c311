package ingest

import (
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/jvmapps"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// TestRealAxon runs a small Axon Framework application (internal/jvmapps
// axon: aggregates, a policy sending commands from event handlers, Axon's
// Kafka extension publishing every event with DefaultKafkaMessageConverter
// and the Jackson serializer) against the real broker, ingests what it
// wrote with the default decoder and checks that each Axon flow is one
// flow, whole and diagnosed right (issue 13): a command-started order
// whose payment is declined and which is cancelled (compensated, the
// reason from the payload, no orphan although the commands between the
// events are not on Kafka), a healthy order (ok), and an event published
// outside any handler (no traceId: its own flow's root) with the event its
// handler published.
func TestRealAxon(t *testing.T) {
	if !kafkatest.Real() {
		t.Skip("needs a real Kafka broker (EVENTSCOPE_TEST_KAFKA): the Axon application is not run against kfake")
	}
	jvmapps.ClasspathOf(t, jvmapps.Axon) // build (or fail or skip) before any topic is made
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "axon")
	topic := base + "-events"
	c.createTopic(t, topic, 3, nil)
	jvmapps.RunProgram(t, jvmapps.Axon, 2*time.Minute, strings.Join(c.addrs, ","), topic, base)
	w := newMemStore()
	r := start(t, testConfig(c.addrs, kafkatest.Name(t, "grp"), base), w)
	// Declined: OrderPlaced, PaymentDeclined, OrderCancelled; ok:
	// OrderPlaced, PaymentCharged, OrderShipped; MenuUpdated,
	// PricesRecalculated.
	const want = 8
	eventually(t, 60*time.Second, "all Axon records stored", func() bool { return w.count() >= want })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	flows := map[string][]event.Event{}
	byType := map[string]event.Event{}
	for _, e := range w.all() {
		if e.Convention != event.ConventionAxon {
			t.Errorf("%s: convention %q, want axon", e.Coordinates(), e.Convention)
		}
		flows[e.FlowID()] = append(flows[e.FlowID()], e)
		byType[strings.TrimPrefix(e.Type, "com.example.axonshop.")+aggregate(e, base)] = e
	}
	if w.count() != want || len(flows) != 3 {
		t.Fatalf("%d records in %d flows, want %d in 3", w.count(), len(flows), want)
	}
	declined, ok, menu := byType["OrderPlaced/declined"], byType["OrderPlaced/ok"], byType["MenuUpdated/"]
	// A command-started flow: the command's identifier is the trace and
	// the first event's correlationId (its cause, not on Kafka).
	for _, root := range []event.Event{declined, ok} {
		if root.CorrelationID == "" || root.CausationID != root.CorrelationID {
			t.Errorf("%s: correlation %q, cause %q: want the command's ID as both", root.Type, root.CorrelationID, root.CausationID)
		}
	}
	if menu.CorrelationID != menu.EventID || menu.CausationID != "" {
		t.Errorf("MenuUpdated (no traceId): correlation %q, cause %q, want its own ID %q and none", menu.CorrelationID, menu.CausationID, menu.EventID)
	}
	checkAxonFlow(t, flows[declined.CorrelationID], []string{"OrderCancelled", "OrderPlaced", "PaymentDeclined"}, nil,
		[]string{"failure"}, diagnose.StatusCompensated)
	checkAxonFlow(t, flows[ok.CorrelationID], []string{"OrderPlaced", "OrderShipped", "PaymentCharged"}, nil,
		[]string{}, diagnose.StatusOK)
	checkAxonFlow(t, flows[menu.CorrelationID], []string{"MenuUpdated", "PricesRecalculated"},
		[]goldenEdge{{menu.EventID, byType["PricesRecalculated/"].EventID, ""}}, []string{}, diagnose.StatusOK)

	// The stores' summaries (classes computed at write time) say the same.
	st, err := sqlite.OpenDSN(t.Context(), sqlite.MemoryDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(t.Context(), w.all()); err != nil {
		t.Fatal(err)
	}
	page, err := st.Flows(t.Context(), store.FlowQuery{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range page.Flows {
		got[f.CorrelationID] = f.Status + " " + strings.Join(f.Anomalies, ",") + " " + f.Reason
	}
	wantList := map[string]string{
		declined.CorrelationID: "compensated failure card declined: over the limit",
		ok.CorrelationID:       "ok  ",
		menu.CorrelationID:     "ok  ",
	}
	if d := gocmp.Diff(wantList, got); d != "" {
		t.Errorf("flow list: status anomalies reason (-want +got):\n%s", d)
	}
}

// aggregate names an Axon record by its order: "/declined", "/ok", or "/"
// for events without an aggregate.
func aggregate(e event.Event, base string) string {
	for _, h := range e.Headers {
		if h.Key == "axon-message-aggregate-id" {
			return "/" + h.Value[strings.LastIndex(h.Value, "-")+1:]
		}
	}
	return "/"
}

// checkAxonFlow checks one Axon flow: its types, its edges, its
// anomalies and status; every event whose cause is not in the flow is
// drawn as caused by the flow's trigger or an unpublished command.
func checkAxonFlow(t *testing.T, events []event.Event, types []string, edges []goldenEdge, kinds []string, status string) {
	t.Helper()
	var got []string
	for _, e := range events {
		got = append(got, strings.TrimPrefix(e.Type, "com.example.axonshop."))
	}
	slices.Sort(got)
	if d := gocmp.Diff(types, got); d != "" {
		t.Fatalf("flow types (-want +got):\n%s", d)
	}
	f := flowOf(t, events, false)
	es, as := edgesAndAnomalies(f)
	if d := gocmp.Diff(edges, es); d != "" {
		t.Errorf("%s flow edges (-want +got):\n%s", types[0], d)
	}
	var ks []string
	for _, a := range as {
		ks = append(ks, strings.Fields(a)[0])
	}
	if d := gocmp.Diff(kinds, append([]string{}, ks...)); d != "" || f.Status != status {
		t.Errorf("%s flow: status %s, anomalies %v; want %s, %v", types[0], f.Status, as, status, kinds)
	}
	for _, v := range f.Vertices {
		if v.Missing && !v.Trigger && !v.Unpublished {
			t.Errorf("%s: cause %s missing, neither trigger nor unpublished command", v.ID, v.CauseID)
		}
	}
	if got := store.FlowAnomalies(events, time.Now()); !slices.Equal(got, kinds) {
		t.Errorf("%s flow summary anomalies %v, want %v", types[0], got, kinds)
	}
}
