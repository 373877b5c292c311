package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// groupsFixture is the pizza flow stored in sqlite (orders[0]: e1 at
// offset 1, e4 at offset 9) read by three groups, an hour after t0:
// billing waits on e1 since t0 (stuck), audit read everything between
// t0+19m50s and t0+20m, reset read it and was reset to 0.
func groupsFixture(t *testing.T, snapErr string) *testServer {
	t.Helper()
	return groupsFixtureWith(t, snapErr, graph.Options{})
}

func groupsFixtureWith(t *testing.T, snapErr string, g graph.Options) *testServer {
	t.Helper()
	now := t0.Add(time.Hour)
	st := sqliteWith(t, pizzaFlow()...)
	rows := []store.Position{
		{Group: "audit", Topic: "orders", Partition: 0, Committed: 0, High: 10, At: t0.Add(10 * time.Minute), Oldest: time.Time{}},
		{Group: "audit", Topic: "orders", Partition: 0, Committed: 10, High: 10, At: t0.Add(20 * time.Minute), Prev: t0.Add(19*time.Minute + 50*time.Second)},
		{Group: "billing", Topic: "orders", Partition: 0, Committed: 1, High: 10, At: now.Add(-30 * time.Minute), Oldest: t0},
	}
	if err := st.WritePositions(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	part := func(g string, committed int64, oldest time.Time) store.PartitionStatus {
		return store.PartitionStatus{Position: store.Position{Group: g, Topic: "orders", Partition: 0, Committed: committed,
			High: 10, At: now.Add(-5 * time.Second), Oldest: oldest}, Moved: t0, Pace: 10 * time.Second}
	}
	reset := part("reset", 0, time.Time{})
	reset.Reset = &store.OffsetReset{At: now.Add(-time.Minute), From: 10, To: 0}
	snap := store.GroupsSnapshot{At: now.Add(-5 * time.Second), Interval: 10 * time.Second, Err: snapErr, Groups: []store.GroupStatus{
		{Name: "audit", State: "Empty", Partitions: []store.PartitionStatus{part("audit", 10, time.Time{})}},
		{Name: "billing", State: "Stable", Members: 2, Partitions: []store.PartitionStatus{part("billing", 1, t0)}},
		{Name: "reset", State: "Stable", Members: 1, Partitions: []store.PartitionStatus{reset}},
	}}
	return newTestServer(t, Options{Store: st, Graph: g, Positions: func() store.GroupsSnapshot { return snap }})
}

func f64(x float64) *float64 { return &x }

func TestAPIGroups(t *testing.T) {
	ts := groupsFixture(t, "")
	var list groupsJSON
	decodeJSON(t, ts.get(t, "/api/groups"), &list)
	var names []string
	for _, g := range list.Groups {
		names = append(names, g.Name)
	}
	if d := cmp.Diff([]string{"billing", "audit", "reset"}, names); d != "" || list.Error != "" {
		t.Errorf("groups, furthest behind in time first (-want +got):\n%s (error %q)", d, list.Error)
	}
	if b := list.Groups[0]; b.LagMessages != 9 || b.LagSeconds == nil || *b.LagSeconds != 3600 || !b.Stuck {
		t.Errorf("billing = %+v, want 9 records and 3600 s behind, stuck", b)
	}
	if r := list.Groups[2]; r.LagMessages != 10 || r.LagSeconds != nil {
		t.Errorf("reset = %+v, want 10 records behind, lag in time null (record 0 not stored)", r)
	}

	var d groupDetailJSON
	decodeJSON(t, ts.get(t, "/api/groups/billing"), &d)
	want := partitionJSON{Topic: "orders", Partition: 0, Committed: 1, High: 10, LagMessages: 9, LagSeconds: f64(3600),
		Stored: true, StillFor: 3600, Stuck: true, RecordURL: "/records/orders/0/1",
		StuckAt: &stuckJSON{EventID: "e1", CorrelationID: "ord-1", URL: FlowEventURL("ord-1", "e1")}}
	if len(d.Partitions) != 1 {
		t.Fatalf("partitions = %+v", d.Partitions)
	}
	if diff := cmp.Diff(want, d.Partitions[0]); diff != "" {
		t.Errorf("billing's partition (-want +got):\n%s", diff)
	}
	if n := len(d.Trend); n < 2 || d.Trend[n-1].LagMessages != 9 || *d.Trend[n-1].LagSeconds != 3600 || *d.Trend[0].LagSeconds != 1800 {
		t.Errorf("trend = %+v, want from 1800 s at the first row to 3600 s now, 9 records", d.Trend)
	}
	if rec := ts.get(t, "/api/groups/nobody"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown group: %d %s, want 404", rec.Code, rec.Body)
	}
}

func TestAPIEventDeliveries(t *testing.T) {
	ts := groupsFixture(t, "")
	var body eventJSON
	decodeJSON(t, ts.get(t, "/api/events/e1"), &body)
	after, before := t0.Add(19*time.Minute+50*time.Second), t0.Add(20*time.Minute)
	ten, one, zero := int64(10), int64(1), int64(0)
	want := []deliveryJSON{
		{Group: "audit", State: stateConsumed, Committed: &ten, ConsumedAfter: &after, ConsumedBefore: &before, URL: "/groups/audit"},
		{Group: "billing", State: statePending, Committed: &one, Behind: 0, Waiting: 3600, Stuck: true, URL: "/groups/billing"},
		{Group: "reset", State: stateConsumed, Committed: &zero, Reset: true, URL: "/groups/reset"},
	}
	if d := cmp.Diff(want, body.Deliveries); d != "" {
		t.Errorf("deliveries of e1 (-want +got):\n%s", d)
	}
	decodeJSON(t, ts.get(t, "/api/events/e4"), &body) // orders[0]@9
	if b := body.Deliveries[1]; b.Group != "billing" || b.State != statePending || b.Behind != 8 {
		t.Errorf("billing on e4 = %+v, want pending, 8 records ahead", b)
	}
	decodeJSON(t, ts.get(t, "/api/events/e2"), &body) // kitchen: nobody reads it
	if len(body.Deliveries) != 0 || body.Deliveries == nil {
		t.Errorf("deliveries of an unread topic = %#v, want []", body.Deliveries)
	}
}

func TestGroupsUnavailable(t *testing.T) {
	ts := groupsFixture(t, "describe 3 consumer groups: kafka server: The client is not authorized to access this group")
	var list groupsJSON
	decodeJSON(t, ts.get(t, "/api/groups"), &list)
	if !strings.HasPrefix(list.Error, "consumer positions unavailable: describe 3") || len(list.Groups) != 3 {
		t.Errorf("error %q with %d groups; want the reason, and the last good poll's groups", list.Error, len(list.Groups))
	}
	off := newTestServer(t, Options{Store: sqliteWith(t, pizzaFlow()...)})
	for _, path := range []string{"/groups", "/groups/billing", "/events/e1"} {
		rec := off.get(t, path)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "consumer positions unavailable: polling is off") {
			t.Errorf("%s with polling off: %d, want 200 saying why positions are unavailable", path, rec.Code)
		}
	}
	var body eventJSON
	decodeJSON(t, off.get(t, "/api/events/e1"), &body)
	if body.DeliveriesError != unavailable(pollingOff) || len(body.Deliveries) != 0 {
		t.Errorf("deliveries with polling off = %+v, %q", body.Deliveries, body.DeliveriesError)
	}
}

func TestRecordPermalink(t *testing.T) {
	ts := groupsFixture(t, "")
	rec := ts.get(t, "/records/orders/0/9")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/events/e4" {
		t.Errorf("permalink: %d to %q, want 303 to /events/e4", rec.Code, rec.Header().Get("Location"))
	}
	rec = ts.get(t, "/records/orders/0/77")
	if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") ||
		!strings.Contains(rec.Body.String(), "orders[0]@77 is not stored") {
		t.Errorf("missing record: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if rec := ts.get(t, "/records/orders/x/1"); rec.Code != http.StatusBadRequest {
		t.Errorf("bad partition: %d, want 400", rec.Code)
	}
}

func TestGroupPage(t *testing.T) {
	ts := groupsFixture(t, "")
	rec := ts.get(t, "/groups/billing")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	doc := parseHTML(t, rec.Body.String())
	if got := texts(doc, "[data-testid=group-lag-time]"); len(got) != 1 || got[0] != "1h0m0s" {
		t.Errorf("lag in time = %q, want 1h0m0s", got)
	}
	if got := attrs(doc, "[data-testid=stuck-at]", "href"); len(got) != 1 || got[0] != FlowEventURL("ord-1", "e1") {
		t.Errorf("stuck-at link = %q", got)
	}
	if doc.Find("[data-testid=trend-time] polyline").Length() != 1 {
		t.Errorf("no trend line on the page")
	}
	list := parseHTML(t, ts.get(t, "/groups").Body.String())
	if got := texts(list, "[data-testid=group-lag-row] td:first-child"); len(got) != 3 || got[0] != "billing" {
		t.Errorf("group list = %q", got)
	}
}

func TestFlowPendingBadge(t *testing.T) {
	ts := groupsFixture(t, "")
	doc := parseHTML(t, ts.get(t, "/flows/ord-1").Body.String())
	got := map[string]string{}
	doc.Find("[data-testid=graph-node]").Each(func(_ int, s *goquery.Selection) {
		if b := s.Find("[data-testid=pending-badge]"); b.Length() > 0 {
			got[s.AttrOr("data-event-id", "")] = b.Find("title").Text()
		}
	})
	want := map[string]string{"e1": "1 group has not read this: billing", "e4": "1 group has not read this: billing"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pending badges (-want +got):\n%s", d)
	}
}

func TestDashboardGroupsBehind(t *testing.T) {
	ts := groupsFixture(t, "")
	doc := parseHTML(t, ts.get(t, "/").Body.String())
	got := texts(doc, "[data-testid=groups-behind] [data-testid=group-lag-row] td:first-child")
	if d := cmp.Diff([]string{"billing", "reset"}, got); d != "" { // audit has read everything
		t.Errorf("groups behind (-want +got):\n%s", d)
	}
}

func TestStallNamesTheGroup(t *testing.T) {
	rules := graph.WithRules(time.Time{}, graph.StallRule{After: "OrderCancelled", Expect: []string{"OrderRefunded"}, Within: time.Minute})
	ts := groupsFixtureWith(t, "", rules)
	var body flowJSON
	decodeJSON(t, ts.get(t, "/api/flows/ord-1"), &body)
	var detail string
	for _, a := range body.Anomalies {
		if a.Kind == graph.Stalled {
			detail = a.Detail
		}
	}
	want := "OrderCancelled expects OrderRefunded within 1m0s; nothing followed in 1h0m0s; " +
		"waiting on billing: stopped for 1h0m0s at orders[0]@1, 9 records behind"
	if detail != want {
		t.Errorf("stalled detail =\n%q\nwant\n%q", detail, want)
	}
	page := ts.get(t, "/flows/ord-1").Body.String()
	if !strings.Contains(page, "waiting on billing: stopped for 1h0m0s at orders[0]@1, 9 records behind") {
		t.Errorf("the flow page does not name the group the flow waits on")
	}

	// Every reader has read it: say so, with when.
	after, before := t0.Add(19*time.Minute+50*time.Second), t0.Add(20*time.Minute)
	e := pizzaFlow()[3]
	note := consumerNote(store.GroupsSnapshot{}, &e, []deliveryJSON{
		{Group: "audit", State: stateConsumed, ConsumedAfter: &after, ConsumedBefore: &before}}, t0.Add(time.Hour))
	if want := "read by audit between 10:19:50 and 10:20:00; no effect since"; note != want {
		t.Errorf("note = %q, want %q", note, want)
	}
}

func TestFlowDetailReadBy(t *testing.T) {
	ts := groupsFixture(t, "")
	doc := parseHTML(t, ts.get(t, "/flows/ord-1?event=e1").Body.String())
	got := attrs(doc, "#event-detail [data-testid=delivery-row]", "data-state")
	if d := cmp.Diff([]string{"consumed", "pending", "consumed"}, got); d != "" {
		t.Errorf("read-by states in the detail panel (-want +got):\n%s", d)
	}
	part := parseHTML(t, ts.get(t, "/flows/ord-1?event=e4", "HX-Request", "true", "HX-Target", "event-detail").Body.String())
	if n := part.Find("[data-testid=delivery-row]").Length(); n != 3 {
		t.Errorf("htmx detail partial: %d read-by rows, want 3", n)
	}
}

// TestGroupLagFilledFromStore: the poll did not know the waiting record's
// time yet (ingest was behind); the group's page asks the store.
func TestGroupLagFilledFromStore(t *testing.T) {
	now := t0.Add(time.Hour)
	snap := store.GroupsSnapshot{At: now, Interval: 10 * time.Second, Groups: []store.GroupStatus{{Name: "billing",
		Partitions: []store.PartitionStatus{{Position: store.Position{Group: "billing", Topic: "orders", Partition: 0,
			Committed: 9, High: 10, At: now}, Moved: now}}}}}
	ts := newTestServer(t, Options{Store: sqliteWith(t, pizzaFlow()...), Positions: func() store.GroupsSnapshot { return snap }})
	var d groupDetailJSON
	decodeJSON(t, ts.get(t, "/api/groups/billing"), &d)
	if d.LagSeconds == nil || *d.LagSeconds != 3599.8 { // e4, orders[0]@9, at t0+200ms
		t.Errorf("lag_seconds = %v, want 3599.8 from the stored record", d.LagSeconds)
	}
	if !snap.Groups[0].Partitions[0].Oldest.IsZero() {
		t.Errorf("the shared snapshot was modified")
	}
}
