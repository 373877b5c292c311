package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAPIFlowList(t *testing.T) {
	ts := newTestServer(t, Options{})
	rec := ts.get(t, "/api/flows")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var raw map[string]json.RawMessage
	decodeJSON(t, rec, &raw)
	if got := keys(raw); !cmp.Equal(got, []string{"flows", "next_cursor"}) {
		t.Errorf("top-level keys = %v", got)
	}
	var body struct {
		Flows []map[string]any `json:"flows"`
	}
	decodeJSON(t, rec, &body)
	var ids []string
	for _, f := range body.Flows {
		ids = append(ids, f["correlation_id"].(string))
	}
	want := []string{"xss", "tenant/a b%2F?#x", "key:cust/42", "ord-1"} // newest last event first
	if !cmp.Equal(ids, want) {
		t.Errorf("flows = %q, want %q", ids, want)
	}
	ord := body.Flows[3]
	wantKeys := []string{"anomalies", "correlation_id", "event_count", "first_time", "last_time", "services", "types"}
	if got := keys(ord); !cmp.Equal(got, wantKeys) {
		t.Errorf("flow keys = %v, want %v", got, wantKeys)
	}
	if ord["first_time"] != "2026-11-23T10:00:00Z" || ord["last_time"] != "2026-11-23T10:00:00.3Z" || ord["event_count"] != 6.0 {
		t.Errorf("ord-1 summary = %v", ord)
	}
	if diff := cmp.Diff([]any{"duplicate", "orphan"}, ord["anomalies"]); diff != "" {
		t.Errorf("ord-1 anomalies (-want +got):\n%s", diff)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func TestAPIFlowListPagination(t *testing.T) {
	ts := newTestServer(t, Options{})
	var seen []string
	target := "/api/flows?limit=3"
	for range 5 {
		rec := ts.get(t, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		var page struct {
			Flows []struct {
				ID string `json:"correlation_id"`
			} `json:"flows"`
			Next string `json:"next_cursor"`
		}
		decodeJSON(t, rec, &page)
		for _, f := range page.Flows {
			seen = append(seen, f.ID)
		}
		if page.Next == "" {
			break
		}
		target = "/api/flows?limit=3&cursor=" + page.Next
	}
	if len(seen) != 4 {
		t.Errorf("paged through %q, want all 4 flows once", seen)
	}
}

func TestAPIFlowListQuery(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		query string
		want  []string
	}{
		{"q=ord-1", []string{"ord-1"}},
		{"q=e3", []string{"ord-1"}},              // an event ID
		{"q=cust%2F42", []string{"key:cust/42"}}, // a key
		{"q=id:ord*", []string{"ord-1"}},
		{"q=ord*", nil}, // a bare token is exact
		{"q=*", []string{"xss", "tenant/a b%2F?#x", "key:cust/42", "ord-1"}},
		{"q=type:PaymentFailed", []string{"ord-1"}},
		{"q=nothing", nil},
		{"from=2026-11-23T10:00:00.4Z", []string{"xss", "tenant/a b%2F?#x", "key:cust/42"}},
		{"to=2026-11-23T10:00:00.4Z", []string{"ord-1"}},
		{"limit=1", []string{"xss"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			rec := ts.get(t, "/api/flows?"+tc.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var page struct {
				Flows []struct {
					ID string `json:"correlation_id"`
				} `json:"flows"`
			}
			decodeJSON(t, rec, &page)
			var got []string
			for _, f := range page.Flows {
				got = append(got, f.ID)
			}
			if !cmp.Equal(got, tc.want) {
				t.Errorf("flows = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAPIBadInput(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		target string
		status int
		errHas string
	}{
		{"/api/flows?limit=abc", 400, `limit must be an integer from 1 to 1000, not "abc"`},
		{"/api/flows?limit=0", 400, "limit must be"},
		{"/api/flows?limit=-5", 400, "limit must be"},
		{"/api/flows?limit=1001", 400, "limit must be"},
		{"/api/flows?from=yesterday", 400, `from must be an RFC 3339 time`},
		{"/api/flows?to=2026-13-01T00:00:00Z", 400, `to must be an RFC 3339 time`},
		{"/api/flows?from=2026-11-23T11:00:00Z&to=2026-11-23T10:00:00Z", 400, "from must be before to"},
		{"/api/flows?cursor=bogus", 400, "bad cursor"},
		{"/api/flows?q=type:", 400, "bad query"},
		{"/api/flows/nope", 404, `flow "nope": not found`},
		{"/api/events/nope", 404, `event "nope": not found`},
		{"/api/events/", 400, "missing ID in path"},
		{"/api/nothing-here", 404, "not found"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			rec := ts.get(t, tc.target)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			var body map[string]string
			decodeJSON(t, rec, &body)
			if len(body) != 1 || !strings.Contains(body["error"], tc.errHas) {
				t.Errorf("body = %v, want only an error containing %q", body, tc.errHas)
			}
		})
	}
}

// flowBody is the JSON of /api/flows/{id}.
type flowBody struct {
	CorrelationID string `json:"correlation_id"`
	Events        []struct {
		EventID         string          `json:"event_id"`
		Time            string          `json:"time"`
		Payload         json.RawMessage `json:"payload"`
		PayloadEncoding string          `json:"payload_encoding"`
	} `json:"events"`
	Edges []struct {
		From      string  `json:"from"`
		To        string  `json:"to"`
		LatencyMS float64 `json:"latency_ms"`
	} `json:"edges"`
	Anomalies []struct {
		Kind     string   `json:"kind"`
		EventIDs []string `json:"event_ids"`
		Detail   string   `json:"detail"`
	} `json:"anomalies"`
}

func TestAPIFlowShow(t *testing.T) {
	ts := newTestServer(t, Options{})
	rec := ts.get(t, "/api/flows/ord-1")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var raw map[string]json.RawMessage
	decodeJSON(t, rec, &raw)
	if got := keys(raw); !cmp.Equal(got, []string{"anomalies", "correlation_id", "edges", "events"}) {
		t.Errorf("keys = %v", got)
	}
	var f flowBody
	decodeJSON(t, rec, &f)
	if f.CorrelationID != "ord-1" || len(f.Events) != 6 {
		t.Fatalf("got flow %q with %d events", f.CorrelationID, len(f.Events))
	}
	if f.Events[0].EventID != "e1" || f.Events[0].Time != "2026-11-23T10:00:00Z" ||
		f.Events[0].PayloadEncoding != "json" || string(f.Events[0].Payload) != `{"orderId":"ord-1","items":["margherita"]}` {
		t.Errorf("first event = %+v", f.Events[0])
	}
	ids := map[string]bool{}
	for _, e := range f.Events {
		ids[e.EventID] = true
	}
	type edge struct {
		From, To string
		MS       float64
	}
	var edges []edge
	for _, e := range f.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s->%s names an event outside the flow", e.From, e.To)
		}
		edges = append(edges, edge{e.From, e.To, e.LatencyMS})
	}
	// one edge per (cause, effect) pair: the duplicate e2 adds none
	wantEdges := []edge{{"e1", "e3", 80}, {"e1", "e2", 120}, {"e3", "e4", 120}}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	var kinds []string
	for _, a := range f.Anomalies {
		kinds = append(kinds, a.Kind+":"+strings.Join(a.EventIDs, ","))
	}
	if diff := cmp.Diff([]string{"orphan:e6", "duplicate:e2"}, kinds); diff != "" {
		t.Errorf("anomalies (-want +got):\n%s", diff)
	}
}

// TestAPIPathIDs checks IDs with "/", ":", "%", "?", "#" and spaces in the
// path, escaped as the UI's links escape them and, for "/", also literally.
func TestAPIPathIDs(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		target, wantFlow string
	}{
		{"/api/flows/key:cust%2F42", "key:cust/42"},
		{"/api/flows/key:cust/42", "key:cust/42"},
		{"/api/flows/" + strings.TrimPrefix(FlowURL("tenant/a b%2F?#x"), "/flows/"), "tenant/a b%2F?#x"},
		{"/api/flows/" + strings.TrimPrefix(FlowURL("key:cust/42"), "/flows/"), "key:cust/42"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			rec := ts.get(t, tc.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var f flowBody
			decodeJSON(t, rec, &f)
			if f.CorrelationID != tc.wantFlow || len(f.Events) == 0 {
				t.Errorf("got flow %q with %d events, want %q", f.CorrelationID, len(f.Events), tc.wantFlow)
			}
		})
	}
	for _, target := range []string{"/api/events/payments.DLT%2F0%2F3", "/api/events/payments.DLT/0/3",
		"/api/events/" + strings.TrimPrefix(EventURL("payments.DLT/0/3"), "/events/")} {
		rec := ts.get(t, target)
		var body struct {
			Event struct {
				EventID  string `json:"event_id"`
				IDSource string `json:"id_source"`
				Encoding string `json:"payload_encoding"`
			} `json:"event"`
		}
		decodeJSON(t, rec, &body)
		if rec.Code != 200 || body.Event.EventID != "payments.DLT/0/3" || body.Event.IDSource != "derived" || body.Event.Encoding != "base64" {
			t.Errorf("GET %s: %d %+v", target, rec.Code, body)
		}
	}
}

func TestAPIEventShow(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		id, event    string
		causes, effs []string
	}{
		{"e1", "e1", nil, []string{"e3", "e2", "e2"}},
		{"e3", "e3", []string{"e1"}, []string{"e4"}},
		{"e2", "e2", []string{"e1"}, nil},
		{"e6", "e6", nil, nil}, // orphan: its cause was never seen
		{"odd%2F2", "odd/2", []string{"odd 1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			rec := ts.get(t, "/api/events/"+tc.id)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var raw map[string]json.RawMessage
			decodeJSON(t, rec, &raw)
			if got := keys(raw); !cmp.Equal(got, []string{"causes", "effects", "event"}) {
				t.Errorf("keys = %v", got)
			}
			if string(raw["causes"]) == "null" || string(raw["effects"]) == "null" {
				t.Errorf("causes/effects must be arrays: %s", rec.Body)
			}
			var body struct {
				Event struct {
					EventID string `json:"event_id"`
				} `json:"event"`
				Causes []struct {
					EventID string `json:"event_id"`
				} `json:"causes"`
				Effects []struct {
					EventID string `json:"event_id"`
				} `json:"effects"`
			}
			decodeJSON(t, rec, &body)
			var causes, effs []string
			for _, c := range body.Causes {
				causes = append(causes, c.EventID)
			}
			for _, e := range body.Effects {
				effs = append(effs, e.EventID)
			}
			if body.Event.EventID != tc.event || !cmp.Equal(causes, tc.causes) || !cmp.Equal(effs, tc.effs) {
				t.Errorf("got event %q causes %q effects %q, want %q %q %q",
					body.Event.EventID, causes, effs, tc.event, tc.causes, tc.effs)
			}
		})
	}
}

func TestAPIStats(t *testing.T) {
	ts := newTestServer(t, Options{Stats: func() any { return map[string]int{"consumed": 42} }})
	rec := ts.get(t, "/api/stats")
	var body struct {
		Events int64 `json:"events"`
		Flows  int64 `json:"flows"`
		Topics []struct {
			Topic  string `json:"topic"`
			Events int64  `json:"events"`
		} `json:"topics"`
		Ingest map[string]int `json:"ingest"`
	}
	decodeJSON(t, rec, &body)
	if rec.Code != 200 || body.Events != 10 || body.Flows != 4 || len(body.Topics) != 7 || body.Ingest["consumed"] != 42 {
		t.Errorf("stats = %d %+v", rec.Code, body)
	}
	if body.Topics[0].Topic != "kitchen" || body.Topics[0].Events != 2 {
		t.Errorf("first topic = %+v, want kitchen 2", body.Topics[0])
	}
}

func TestHealthAndReady(t *testing.T) {
	var readyErr error = errors.New("ingest has not joined the group")
	ts := newTestServer(t, Options{Ready: func(ctx ctxT) error { return readyErr }})
	if rec := ts.get(t, "/healthz"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("healthz = %d %s", rec.Code, rec.Body)
	}
	rec := ts.get(t, "/readyz")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "ingest has not joined the group") {
		t.Errorf("readyz before ready = %d %s", rec.Code, rec.Body)
	}
	readyErr = nil
	if rec := ts.get(t, "/readyz"); rec.Code != 200 {
		t.Errorf("readyz after ready = %d %s", rec.Code, rec.Body)
	}
	if rec := newTestServer(t, Options{}).get(t, "/readyz"); rec.Code != 200 {
		t.Errorf("readyz with nil Ready = %d", rec.Code)
	}
}

func TestMetrics(t *testing.T) {
	if rec := newTestServer(t, Options{}).get(t, "/metrics"); rec.Code != 404 {
		t.Errorf("/metrics without handler = %d, want 404", rec.Code)
	}
	m := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("eventscope_up 1\n")) })
	rec := newTestServer(t, Options{Metrics: m}).get(t, "/metrics")
	if rec.Code != 200 || rec.Body.String() != "eventscope_up 1\n" {
		t.Errorf("/metrics = %d %q", rec.Code, rec.Body)
	}
}
