package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/internal/tracerproc"
	"github.com/eventscope/eventscope/sim"
	"github.com/eventscope/eventscope/ui/auth"
)

// Values the demo's pizza shop puts in OrderPlaced (sim/data.go): customer
// names and the streets of delivery addresses. The redaction config below
// masks both; none may reach the store, the API or a page.
var (
	shopNames   = []string{"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen", "John McCarthy", "Radia Perlman", "Leslie Lamport", "Katherine Johnson", "Niklaus Wirth", "Hedy Lamarr", "Tony Hoare", "Dennis Ritchie", "Sophie Wilson", "Rob Pike", "Shafi Goldwasser", "Bjarne Stroustrup", "Lynn Conway", "Guido van Rossum", "Anita Borg"}
	shopStreets = []string{"Baker Street", "Via Roma", "Rue de Rivoli", "Kastanienallee", "Calle Mayor", "Main Street", "Prinsengracht", "Hauptstraße", "Strandvejen"}
)

const redactE2EConfig = `redaction:
  rules:
    - mask:
        json: ["**.customer.name", "**.deliveryAddress"]
`

var tokenRE = regexp.MustCompile(`^redacted:[0-9a-f]{16}$`)

// TestRedactionEndToEnd runs the demo with redaction on and checks that the
// masked values never reach the store files, the JSON API or the pages,
// while OrderPlaced events carry the masked tokens in their place.
func TestRedactionEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end redaction test skipped in -short mode")
	}
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "tracer.yaml")
	writeFileAt(t, cfgFile, redactE2EConfig)
	t.Setenv("TRACER_REDACT_SECRET", "an-e2e-secret-of-enough-bytes")
	p := tracerproc.Start(t, "demo", "--store", "sqlite://"+filepath.Join(dir, "events.db"), "--rate", "20", "--redact-config", cfgFile)

	var placed []string // event IDs of OrderPlaced events
	var flowIDs []string
	poll(t, 60*time.Second, "3 flows with an OrderPlaced", func() bool {
		var flows apiFlows
		if getJSON(t, p.URL, "/api/flows?limit=50", &flows) != 200 {
			return false
		}
		placed, flowIDs = nil, nil
		for _, f := range flows.Flows {
			var fl struct {
				Events []struct {
					EventID string          `json:"event_id"`
					Type    string          `json:"type"`
					Topic   string          `json:"topic"`
					Payload json.RawMessage `json:"payload"`
				} `json:"events"`
			}
			if getJSON(t, p.URL, "/api/flows/"+url.PathEscape(f.CorrelationID), &fl) != 200 {
				continue
			}
			for _, e := range fl.Events {
				// The order itself, on its topic: the demo's dead-letter
				// record for a payment that failed on an OrderPlaced keeps
				// that type but carries the payment's payload, without the
				// customer or address.
				if e.Type == "OrderPlaced" && e.Topic == sim.TopicOrders {
					checkMasked(t, e.EventID, e.Payload)
					placed = append(placed, e.EventID)
					flowIDs = append(flowIDs, f.CorrelationID)
				}
			}
		}
		return len(placed) >= 3
	})
	var pages []string
	for i := range placed {
		pages = append(pages, "/api/flows/"+url.PathEscape(flowIDs[i]), "/flows/"+url.PathEscape(flowIDs[i]),
			"/events/"+url.PathEscape(placed[i]), "/api/events/"+url.PathEscape(placed[i]))
	}
	pages = append(pages, "/", "/search?q=type:OrderPlaced", "/api/flows?q=type:OrderPlaced")
	for _, path := range pages {
		body := get(t, p.URL+path)
		if leak := leaked(body); leak != "" {
			t.Errorf("GET %s shows the redacted value %q", path, leak)
		}
	}
	p.Stop(t)

	files, _ := filepath.Glob(filepath.Join(dir, "events.db*"))
	if len(files) == 0 {
		t.Fatal("no store files to check")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if leak := leaked(string(b)); leak != "" {
			t.Errorf("store file %s holds the redacted value %q", filepath.Base(f), leak)
		}
	}
}

// checkMasked finds customer.name and deliveryAddress in an OrderPlaced
// payload (at any depth: envelopes differ) and requires masked tokens.
func checkMasked(t *testing.T, id string, payload json.RawMessage) {
	t.Helper()
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		t.Fatalf("OrderPlaced %s: payload is not JSON: %v", id, err)
	}
	found := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if k == "deliveryAddress" {
					found++
					if s, _ := c.(string); !tokenRE.MatchString(s) {
						t.Errorf("OrderPlaced %s: deliveryAddress %v, want a masked token", id, c)
					}
				}
				if cust, ok := c.(map[string]any); ok && k == "customer" {
					found++
					if s, _ := cust["name"].(string); !tokenRE.MatchString(s) {
						t.Errorf("OrderPlaced %s: customer.name %v, want a masked token", id, cust["name"])
					}
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	if found != 2 {
		t.Errorf("OrderPlaced %s: found %d of customer and deliveryAddress in %s", id, found, payload)
	}
}

func leaked(s string) string {
	for _, v := range append(append([]string{}, shopNames...), shopStreets...) {
		if strings.Contains(s, v) {
			return v
		}
	}
	return ""
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

// TestAuthEndToEnd starts the real binary with --auth token and checks the
// middleware is wired: 401 without the token, 200 with it, public health
// checks, protected metrics, security headers on every answer.
func TestAuthEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end auth test skipped in -short mode")
	}
	const token = "e2e-token-0123456789abcdef0123456789"
	t.Setenv("TRACER_AUTH_TOKEN", token)
	p := tracerproc.Start(t, "demo", "--store", "sqlite://"+filepath.Join(t.TempDir(), "events.db"), "--auth", "token")
	tests := []struct {
		path, token string
		want        int
	}{
		{"/", "", http.StatusUnauthorized},
		{"/api/flows", "", http.StatusUnauthorized},
		{"/api/flows", "wrong-token-0123456789abcdef", http.StatusUnauthorized},
		{"/metrics", "", http.StatusUnauthorized},
		{"/healthz", "", http.StatusOK},
		{"/", token, http.StatusOK},
		{"/api/flows", token, http.StatusOK},
		{"/metrics", token, http.StatusOK},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", p.URL+tt.path, nil)
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s (token %v): %d, want %d", tt.path, tt.token != "", resp.StatusCode, tt.want)
		}
		if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET %s: 401 without a Bearer challenge", tt.path)
		}
		if resp.Header.Get("Content-Security-Policy") != auth.DefaultCSP {
			t.Errorf("GET %s: CSP %q", tt.path, resp.Header.Get("Content-Security-Policy"))
		}
	}
	if strings.Contains(p.Logs(), token) {
		t.Error("the logs show the auth token")
	}
	p.Stop(t)
}
