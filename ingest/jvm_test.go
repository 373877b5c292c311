package ingest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	gocmp "github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/internal/jvmapps"
	"github.com/eventscope/eventscope/internal/kafkatest"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// TestRealJVMProducers is issue 24's end-to-end check against the real
// libraries (internal/jvmapps, built once and cached): a Kafka Streams
// enrichment topology (mapValues to an -enriched topic, plus a re-key and
// count with its -repartition and -changelog topics), an outbox whose
// records Kafka Connect's JsonConverter serialised (envelope keys and
// values: struct, io.debezium.data.Json string, array, int64; and a
// schemas-off record), and a record written by Spring Kafka's JSON
// serializer (__TypeId__). All go through the real broker into ingest with
// the default decoder; the flows they make are checked edge by edge.
func TestRealJVMProducers(t *testing.T) {
	if !kafkatest.Real() {
		t.Skip("needs a real Kafka broker (EVENTSCOPE_TEST_KAFKA): Kafka Streams and the JVM clients are not run against kfake")
	}
	jvmapps.Classpath(t) // build (or fail or skip) before any topic is made
	checkNoLeaks(t)
	c := newCluster(t)
	base := kafkatest.Name(t, "jvm")
	orders, enriched, outbox, spring := base+"-orders", base+"-orders-enriched", base+"-outbox-payment", base+"-spring-orders"
	for _, tp := range []string{orders, enriched, outbox, spring} {
		c.createTopic(t, tp, 1, nil)
	}
	boot := strings.Join(c.addrs, ",")
	flowS, flowC, flowJ := base+"-order", base+"-cdc", base+"-spring"
	var in []*sarama.ProducerMessage
	for i := 1; i <= 2; i++ {
		in = append(in, &sarama.ProducerMessage{Topic: orders, Key: sarama.StringEncoder(fmt.Sprintf("ord-%d", i)),
			Value: sarama.StringEncoder(fmt.Sprintf(`{"orderId":"ord-%d","customer":"ada"}`, i)),
			Headers: []sarama.RecordHeader{
				{Key: []byte("eventId"), Value: fmt.Appendf(nil, "%s-o%d", flowS, i)},
				{Key: []byte("correlationId"), Value: []byte(flowS)},
				{Key: []byte("eventType"), Value: []byte("OrderPlaced")},
			}})
	}
	c.produce(t, in)
	jvmapps.Run(t, 2*time.Minute, "streams", boot, base+"-enricher", orders, enriched, "2")
	jvmapps.Run(t, time.Minute, "connect", boot, outbox, flowC)
	jvmapps.Run(t, time.Minute, "spring", boot, spring, flowJ)

	w := newMemStore()
	r := start(t, testConfig(c.addrs, kafkatest.Name(t, "grp"), base), w)
	// 2 orders, 2 enriched copies, 2 repartition records, 2 changelog
	// updates (caching off: one per count), 5 outbox records, 1 Spring record.
	const want = 14
	eventually(t, 60*time.Second, "all JVM records stored", func() bool { return w.count() >= want })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	flows := map[string][]event.Event{}
	for _, e := range w.all() {
		flows[e.FlowID()] = append(flows[e.FlowID()], e)
	}
	if w.count() != want {
		t.Errorf("stored %d records, want %d", w.count(), want)
	}
	checkStreamsFlow(t, flows[flowS], flowS, enriched)
	// Changelog records carry no event headers: each would be a flow of
	// its own (keyed by the store key) but is internal, so it is kept out
	// of every listing and count.
	changelog := 0
	for _, e := range w.all() {
		if strings.HasSuffix(e.Topic, "-changelog") {
			changelog++
			if !e.Internal {
				t.Errorf("changelog record %s not internal", e.Coordinates())
			}
		}
	}
	if changelog != 2 {
		t.Errorf("%d changelog records, want 2", changelog)
	}
	checkConnectFlow(t, flows[flowC], flowC)
	checkSpringFlow(t, flows[flowJ], flowJ)
	checkListing(t, w.all(), map[string][]string{flowS: {}, flowC: {store.AnomalyOrphan}, flowJ: {}})
}

// checkListing stores the records in the embedded store and checks the
// flow list: exactly the business flows, with the summary anomalies want
// (changelog records, each a flow of its own, are not listed).
func checkListing(t *testing.T, events []event.Event, want map[string][]string) {
	t.Helper()
	st, err := sqlite.OpenDSN(t.Context(), sqlite.MemoryDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(t.Context(), events); err != nil {
		t.Fatal(err)
	}
	page, err := st.Flows(t.Context(), store.FlowQuery{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range page.Flows {
		got[f.CorrelationID] = f.Anomalies
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("flow list (-want +got):\n%s", d)
	}
}

// flowOf sorts events in the store's Flow order and builds the graph of
// the business records (as the flow page shows by default).
func flowOf(t *testing.T, events []event.Event, internal bool) *graph.Flow {
	t.Helper()
	slices.SortFunc(events, func(a, b event.Event) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.Topic, b.Topic),
			cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
	})
	var kept []event.Event
	for _, e := range events {
		if internal || !e.Internal {
			kept = append(kept, e)
		}
	}
	return graph.Build(kept, graph.Options{})
}

type goldenEdge struct{ From, To, Kind string }

func edgesAndAnomalies(f *graph.Flow) ([]goldenEdge, []string) {
	var es []goldenEdge
	for _, e := range f.Edges {
		es = append(es, goldenEdge{e.From, e.To, e.Kind})
	}
	slices.SortFunc(es, func(a, b goldenEdge) int { return strings.Compare(a.From+a.To, b.From+b.To) })
	var as []string
	for _, a := range f.Anomalies {
		as = append(as, a.Kind+" "+strings.Join(a.EventIDs, ","))
	}
	return es, as
}

func checkStreamsFlow(t *testing.T, events []event.Event, flow, enriched string) {
	t.Helper()
	internal := 0
	for _, e := range events {
		if e.Internal {
			internal++
			if !strings.HasSuffix(e.Topic, "-repartition") {
				t.Errorf("internal record of the flow on %s, want the repartition topic", e.Topic)
			}
		}
	}
	if internal != 2 { // the re-keyed orders, headers forwarded
		t.Errorf("streams flow has %d internal records, want 2 (repartition)", internal)
	}
	o1, o2 := flow+"-o1", flow+"-o2"
	wantEdges := []goldenEdge{{o1, event.CopyID(o1, enriched), graph.EdgeCopy}, {o2, event.CopyID(o2, enriched), graph.EdgeCopy}}
	for _, internal := range []bool{false, true} {
		f := flowOf(t, events, internal)
		es, as := edgesAndAnomalies(f)
		if d := gocmp.Diff(wantEdges, es); d != "" {
			t.Errorf("streams flow (internal %v) edges (-want +got):\n%s", internal, d)
		}
		if len(as) != 0 {
			t.Errorf("streams flow (internal %v) anomalies %v, want none", internal, as)
		}
		if len(f.Vertices) != 4 {
			t.Errorf("streams flow (internal %v) has %d vertices, want 4 (two orders, two copies)", internal, len(f.Vertices))
		}
	}
	var business []event.Event
	for _, e := range events {
		if !e.Internal {
			business = append(business, e)
		}
	}
	if got := store.FlowAnomalies(events, time.Now()); len(got) != 0 {
		t.Errorf("summary anomalies %v, want none (copies on another topic are no duplicates)", got)
	}
	if len(business) != 4 {
		t.Errorf("streams flow has %d business records, want 4", len(business))
	}
}

func checkConnectFlow(t *testing.T, events []event.Event, flow string) {
	t.Helper()
	if len(events) != 5 {
		t.Fatalf("outbox flow has %d records, want 5", len(events))
	}
	byID := map[string]event.Event{}
	for _, e := range events {
		byID[e.EventID] = e
		if e.Key != "pay-123" || e.KeyRaw == "" {
			t.Errorf("%s: key %q (raw %q), want pay-123 unwrapped", e.EventID, e.Key, e.KeyRaw)
		}
	}
	pay, receipt, points := byID[flow+"-pay"], byID[flow+"-receipt"], byID[flow+"-points"]
	var p struct{ PaymentID, OrderID string }
	if err := json.Unmarshal(pay.Payload, &p); err != nil || p.PaymentID != "pay-123" || pay.PayloadRaw == nil || pay.Type != "PaymentProcessed" {
		t.Errorf("struct envelope: payload %s (%v), raw %d bytes, type %q", pay.Payload, err, len(pay.PayloadRaw), pay.Type)
	}
	if !strings.HasPrefix(string(receipt.Payload), `{"receiptId":"rcpt-9"`) || receipt.ContentType != "application/json; envelope=kafka-connect" {
		t.Errorf("io.debezium.data.Json envelope: payload %s, content type %q", receipt.Payload, receipt.ContentType)
	}
	if string(points.Payload) != "42" {
		t.Errorf("int64 envelope: payload %q", points.Payload)
	}
	if refund := byID[flow+"-refund"]; refund.PayloadRaw != nil || refund.KeyRaw != `"pay-123"` {
		t.Errorf("schemas off: payload_raw %q, key_raw %q", refund.PayloadRaw, refund.KeyRaw)
	}
	es, as := edgesAndAnomalies(flowOf(t, events, false))
	pid := flow + "-pay"
	wantEdges := []goldenEdge{{pid, flow + "-lines", ""}, {pid, flow + "-points", ""}, {pid, flow + "-receipt", ""}, {pid, flow + "-refund", ""}}
	if d := gocmp.Diff(wantEdges, es); d != "" {
		t.Errorf("outbox flow edges (-want +got):\n%s", d)
	}
	// The order the payment answers was not captured: an orphan, nothing else.
	if d := gocmp.Diff([]string{"orphan " + pid}, as); d != "" {
		t.Errorf("outbox flow anomalies (-want +got):\n%s", d)
	}
}

func checkSpringFlow(t *testing.T, events []event.Event, flow string) {
	t.Helper()
	if len(events) != 1 {
		t.Fatalf("spring flow has %d records, want 1", len(events))
	}
	e := events[0]
	if e.EventID != flow+"-spring" || e.Type != "OrderPlaced" || e.Key != "ord-1" || e.KeyRaw != `"ord-1"` {
		t.Errorf("spring record: id %q type %q key %q (raw %q)", e.EventID, e.Type, e.Key, e.KeyRaw)
	}
	full := ""
	for _, h := range e.Headers {
		if h.Key == "__TypeId__" {
			full = h.Value
		}
	}
	if full != "com.example.shop.OrderPlaced" {
		t.Errorf("__TypeId__ header = %q, want the full name kept", full)
	}
}

// all returns every stored record.
func (s *memStore) all() []event.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]event.Event, 0, len(s.events))
	for _, e := range s.events {
		out = append(out, e)
	}
	return out
}
