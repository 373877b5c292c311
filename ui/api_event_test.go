package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

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
			// No poller in this server: deliveries_error says so.
			if got := keys(raw); !cmp.Equal(got, []string{"causes", "deliveries", "deliveries_error", "effects", "event", "flows"}) {
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
	ts := newTestServer(t, Options{Stats: func() IngestStats { return IngestStats{Consumed: 42} }})
	rec := ts.get(t, "/api/stats")
	var body struct {
		Events int64 `json:"events"`
		Flows  int64 `json:"flows"`
		Topics []struct {
			Topic  string `json:"topic"`
			Events int64  `json:"events"`
		} `json:"topics"`
		Ingest map[string]any `json:"ingest"`
	}
	decodeJSON(t, rec, &body)
	if rec.Code != 200 || body.Events != 10 || body.Flows != 4 || len(body.Topics) != 7 || body.Ingest["consumed"] != 42.0 {
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
