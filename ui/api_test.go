package ui

import (
	"encoding/json"
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
	wantKeys := []string{"anomalies", "correlation_id", "event_count", "failed_type", "first_time", "last_time", "services", "status", "types"}
	if got := keys(ord); !cmp.Equal(got, wantKeys) {
		t.Errorf("flow keys = %v, want %v", got, wantKeys)
	}
	if ord["first_time"] != "2026-11-23T10:00:00Z" || ord["last_time"] != "2026-11-23T10:00:00.3Z" || ord["event_count"] != 6.0 {
		t.Errorf("ord-1 summary = %v", ord)
	}
	if diff := cmp.Diff([]any{"duplicate", "failure", "orphan"}, ord["anomalies"]); diff != "" {
		t.Errorf("ord-1 anomalies (-want +got):\n%s", diff)
	}
	if ord["status"] != "compensated" || ord["failed_type"] != "PaymentFailed" {
		t.Errorf("ord-1 status = %v (%v), want compensated (PaymentFailed)", ord["status"], ord["failed_type"])
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
		{"/api/flows?q=payload.a..b:1", 400, "at position 11: bad payload path"},
		{"/api/flows?q=payload.amount%3Eabc", 400, "want a number"},
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
			var body map[string]any
			decodeJSON(t, rec, &body)
			msg, _ := body["error"].(string)
			if _, ok := body["position"]; ok { // a bad query also says where
				delete(body, "position")
			}
			if len(body) != 1 || !strings.Contains(msg, tc.errHas) {
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
	if got := keys(raw); !cmp.Equal(got, []string{"anomalies", "correlation_id", "edges", "events", "next_cursor", "status"}) {
		t.Errorf("keys = %v", got)
	}
	if string(raw["status"]) != `"compensated"` {
		t.Errorf("status = %s, want compensated (PaymentFailed, then OrderCancelled)", raw["status"])
	}
	var evs []map[string]json.RawMessage
	if err := json.Unmarshal(raw["events"], &evs); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		_, failed := e["failure"]
		if want := string(e["event_id"]) == `"e3"`; failed != want {
			t.Errorf("event %s: failure %s, want one only on the PaymentFailed e3", e["event_id"], e["failure"])
		}
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
	if diff := cmp.Diff([]string{"orphan:e6", "duplicate:e2", "failure:e3"}, kinds); diff != "" {
		t.Errorf("anomalies (-want +got):\n%s", diff)
	}
}
