package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// shopServices are the pizza shop's five services (sim's Service* names).
var shopServices = []string{"delivery-service", "kitchen-service", "loyalty-service", "order-service", "payment-service"}

// TestFindInBrowser drives the demo in chromium: search by a correlation
// ID jumps to its flow; a query with a syntax error shows the message with
// the position marked; payload field searches and a field suggestion
// (fieldSearch); the live page receives events within 5 s; the
// service map shows the shop's five services. Screenshots are saved.
func TestFindInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	d := StartDemo(t, "--rate", "5")
	corr := waitForFlow(t, d.URL, 4, 30*time.Second)

	t.Run("SearchJumpsToFlow", func(t *testing.T) {
		b.Navigate(d.URL + "/search")
		b.Submit(`[data-testid=search-form] input[name=q]`, corr)
		b.WaitVisible(`[data-testid=flow-page]`)
		if got := Eval[string](b, `document.querySelector("[data-testid=flow-id]").textContent`); got != corr {
			t.Errorf("flow page of %q, want %q", got, corr)
		}
		if loc := b.Location(); !strings.HasSuffix(loc, "/flows/"+url.PathEscape(corr)) {
			t.Errorf("location %s", loc)
		}
		b.Screenshot("find-flow.png")
	})
	t.Run("SyntaxErrorShown", func(t *testing.T) {
		b.Navigate(d.URL + "/search")
		b.Submit(`[data-testid=search-form] input[name=q]`, `type:OrderPlaced colour:red`)
		b.WaitVisible(`[data-testid=search-error]`)
		msg := Eval[string](b, `document.querySelector("[data-testid=search-error-message]").textContent`)
		if !strings.Contains(msg, `unknown field "colour"`) {
			t.Errorf("message %q", msg)
		}
		if at := Eval[string](b, `document.querySelector("[data-testid=search-error-at]").textContent`); at != "c" {
			t.Errorf("marked %q, want the c of colour", at)
		}
		b.Screenshot("find-search-error.png")
	})
	t.Run("FieldSearch", func(t *testing.T) { fieldSearch(t, b, d.URL) })
	t.Run("LiveReceivesEvents", func(t *testing.T) {
		b.Navigate(d.URL + "/live")
		if !Eval[bool](b, `!!document.getElementById("live").dataset.stream`) {
			t.Fatal("the live page has no stream: cmd/tracer does not pass ui.Options.Live")
		}
		b.WaitFor("an event streamed within 5 s", `document.querySelectorAll("[data-testid=live-row].new").length > 0`, 5*time.Second)
		b.Click(`[data-testid=live-pause]`)
		if got := Eval[string](b, `document.querySelector("[data-testid=live-pause]").textContent`); got != "Resume" {
			t.Errorf("pause button says %q", got)
		}
		b.Screenshot("live.png")
	})
	t.Run("ServiceMap", func(t *testing.T) {
		b.Navigate(d.URL + "/services")
		b.WaitVisible(`[data-testid=service-map] svg`)
		names := Eval[[]string](b, `Array.from(document.querySelectorAll("[data-testid=service-node]")).map(n => n.dataset.name)`)
		for _, s := range shopServices {
			if !slices.Contains(names, s) {
				t.Errorf("service map shows %q, missing %s", names, s)
			}
		}
		b.Screenshot("services.png")
	})
	t.Run("Dashboard", func(t *testing.T) {
		b.Navigate(d.URL + "/")
		b.WaitVisible(`[data-testid=dashboard]`)
		if n := Eval[int](b, `document.querySelectorAll("[data-testid=sparkline-line]").length`); n == 0 {
			t.Error("no sparkline on the dashboard")
		}
		b.Screenshot("dashboard.png")
	})
}

// waitForFlow polls /api/flows until a flow with at least n events exists
// and returns its correlation ID.
func waitForFlow(t *testing.T, base string, n int, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var page struct {
			Flows []struct {
				CorrelationID string `json:"correlation_id"`
				EventCount    int    `json:"event_count"`
			} `json:"flows"`
		}
		if getJSON(base+"/api/flows?limit=50", &page) == nil {
			for _, f := range page.Flows {
				if f.EventCount >= n && !strings.HasPrefix(f.CorrelationID, "key:") {
					return f.CorrelationID
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no flow with %d events within %s", n, within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func getJSON(u string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
