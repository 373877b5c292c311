package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/eventscope/eventscope/internal/tracerproc"
)

// getJSON fetches path and decodes it into v, returning the status code.
func getJSON(t testing.TB, base, path string, v any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: bad JSON: %v\n%s", path, err, body)
		}
	}
	return resp.StatusCode
}

// poll calls f until it returns true or the deadline passes.
func poll(t testing.TB, within time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type apiFlows struct {
	Flows []struct {
		CorrelationID string    `json:"correlation_id"`
		EventCount    int       `json:"event_count"`
		FirstTime     time.Time `json:"first_time"`
		Types         []string  `json:"types"`
	} `json:"flows"`
}

type apiFlow struct {
	CorrelationID string `json:"correlation_id"`
	Events        []struct {
		EventID       string `json:"event_id"`
		CorrelationID string `json:"correlation_id"`
		CausationID   string `json:"causation_id"`
		Type          string `json:"type"`
	} `json:"events"`
	Edges []struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"edges"`
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end demo test skipped in -short mode")
	}
	storeDSN := "sqlite://" + filepath.Join(t.TempDir(), "events.db")
	p := tracerproc.Start(t, "demo", "--store", storeDSN, "--rate", "20")

	poll(t, 30*time.Second, "/readyz to answer 200", func() bool {
		return getJSON(t, p.URL, "/readyz", nil) == 200
	})
	var failed string
	var flows apiFlows
	poll(t, 60*time.Second, "at least 5 flows and one with PaymentFailed and OrderCancelled", func() bool {
		if getJSON(t, p.URL, "/api/flows?limit=200", &flows) != 200 {
			return false
		}
		for _, f := range flows.Flows {
			if contains(f.Types, "PaymentFailed") && contains(f.Types, "OrderCancelled") {
				failed = f.CorrelationID
			}
		}
		return len(flows.Flows) >= 5 && failed != ""
	})

	// Every edge of a flow joins two events of that flow.
	for _, f := range flows.Flows[:5] {
		var fl apiFlow
		if code := getJSON(t, p.URL, "/api/flows/"+url.PathEscape(f.CorrelationID), &fl); code != 200 {
			t.Fatalf("GET flow %s: status %d", f.CorrelationID, code)
		}
		ids := map[string]bool{}
		for _, e := range fl.Events {
			ids[e.EventID] = true
		}
		for _, e := range fl.Edges {
			if !ids[e.From] || !ids[e.To] {
				t.Errorf("flow %s: edge %s -> %s leaves the flow", f.CorrelationID, e.From, e.To)
			}
		}
	}

	// The compensation: OrderCancelled is caused by PaymentFailed.
	var fl apiFlow
	getJSON(t, p.URL, "/api/flows/"+url.PathEscape(failed), &fl)
	byID := map[string]string{}
	for _, e := range fl.Events {
		byID[e.EventID] = e.Type
	}
	compensated := false
	for _, e := range fl.Events {
		if e.Type == "OrderCancelled" && byID[e.CausationID] == "PaymentFailed" {
			compensated = true
		}
	}
	if !compensated {
		t.Errorf("flow %s has no OrderCancelled caused by its PaymentFailed: %+v", failed, fl.Events)
	}
	// Pages are compressed for clients that ask.
	req, _ := http.NewRequest("GET", p.URL+"/flows/"+url.PathEscape(failed), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("flow page with Accept-Encoding: gzip: status %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	p.Stop(t)

	// A second start on the same store keeps the earlier flows.
	restarted := time.Now()
	p2 := tracerproc.Start(t, "demo", "--store", storeDSN, "--rate", "1")
	if code := getJSON(t, p2.URL, "/api/flows/"+url.PathEscape(failed), &fl); code != 200 || len(fl.Events) == 0 {
		t.Errorf("after restart, flow %s: status %d, %d events", failed, code, len(fl.Events))
	}
	// ...and stores the new run's events although the new embedded broker
	// hands out the same offsets again.
	poll(t, 30*time.Second, "a flow of the second run with its OrderPlaced", func() bool {
		var now apiFlows
		getJSON(t, p2.URL, "/api/flows?limit=20", &now)
		for _, f := range now.Flows {
			if f.FirstTime.After(restarted) && contains(f.Types, "OrderPlaced") {
				return true
			}
		}
		return false
	})
	p2.Stop(t)
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
