package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

// stateOf returns "path=value change" for each state field of entity.
func stateOf(doc *goquery.Document, entity string) []string {
	var out []string
	doc.Find(`[data-testid="entity-state"][data-entity="` + entity + `"] [data-testid="state-field"]`).Each(
		func(_ int, s *goquery.Selection) {
			path, _ := s.Attr("data-path")
			change, _ := s.Attr("data-change")
			v := s.Find(`[data-testid="state-value"]`).Text()
			if change == "removed" {
				v = "-" + s.Find(`[data-testid="state-removed"]`).Text()
			}
			if old := s.Find(`[data-testid="state-old"] del`).Text(); old != "" {
				v += " (was " + old + ")"
			}
			out = append(out, strings.TrimSpace(path+"="+v+" "+change))
		})
	return out
}

func TestReplayPageSteps(t *testing.T) {
	ts := newReplayServer(t)
	tests := []struct {
		query     string
		step      string
		typ       string
		state     []string
		anomalies []string // kind:new
		note      string
	}{{
		query: "", step: "1", typ: "OrderPlaced",
		state: []string{`customer.id="c-7" added`, `customer.name="Ann" added`,
			`items=[{"quantity":2,"sku":"margherita"}] added`, `orderId="pizza-1" added`,
			`status="placed" added`, `total=19.5 added`},
	}, {
		query: "?step=3", step: "3", typ: "PizzaPrepared",
		state: []string{`chef="Luigi"`, `customer.id="c-7"`, `customer.name="Ann"`,
			`items=[{"quantity":2,"sku":"margherita"}]`, `kitchenStatus="prepared"`, `orderId="pizza-1"`,
			`status="placed"`, `total=19.5`},
		anomalies: []string{"duplicate:true"},
	}, {
		query: "?step=4", step: "4", typ: "PaymentFailed",
		state: []string{`chef="Luigi"`, `customer.id="c-7"`, `customer.name="Ann"`, `failureReason="card_declined" added`,
			`items=[{"quantity":2,"sku":"margherita"}]`, `kitchenStatus="prepared"`, `orderId="pizza-1"`,
			`paymentStatus="failed" added`, `status="placed"`, `total=19.5`},
		anomalies: []string{"duplicate:false", "failure:true"},
	}, {
		query: "?at=2026-11-23T10:00:00.7Z", step: "5", typ: "OrderCancelled",
		state: []string{`cancelReason="payment failed" added`, `chef="Luigi"`, `customer.id="c-7"`, `customer.name="Ann"`,
			`failureReason="card_declined"`, `items=[{"quantity":2,"sku":"margherita"}]`,
			`kitchenStatus=-"prepared" removed`, `orderId="pizza-1"`, `paymentStatus="failed"`,
			`status="cancelled" (was "placed") changed`, `total=19.5`},
		anomalies: []string{"duplicate:false", "failure:false"},
	}, {
		query: "?step=6", step: "6", typ: "AuditLogged",
		state: []string{`cancelReason="payment failed"`, `chef="Luigi"`, `customer.id="c-7"`, `customer.name="Ann"`,
			`failureReason="card_declined"`, `items=[{"quantity":2,"sku":"margherita"}]`, `orderId="pizza-1"`,
			`paymentStatus="failed"`, `status="cancelled"`, `total=19.5`},
		anomalies: []string{"duplicate:false", "failure:false"}, note: "payload is not JSON (text): state unchanged",
	}}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			rec := ts.get(t, ReplayURL(replayFlowID)+tc.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			doc := parseHTML(t, rec.Body.String())
			if got := attrs(doc, `[data-testid="replay-frame"]`, "data-step"); !cmp.Equal(got, []string{tc.step}) {
				t.Errorf("frame step %v, want %s", got, tc.step)
			}
			if got := texts(doc, `[data-testid="replay-current-type"]`); !cmp.Equal(got, []string{tc.typ}) {
				t.Errorf("current type %v, want %s", got, tc.typ)
			}
			if diff := cmp.Diff(tc.state, stateOf(doc, replayFlowID)); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
			var anomalies []string
			doc.Find(`[data-testid="replay-anomaly"]`).Each(func(_ int, s *goquery.Selection) {
				k, _ := s.Attr("data-kind")
				n, _ := s.Attr("data-new")
				anomalies = append(anomalies, k+":"+n)
			})
			if !cmp.Equal(anomalies, tc.anomalies) {
				t.Errorf("anomalies %v, want %v", anomalies, tc.anomalies)
			}
			if got := strings.Join(texts(doc, `[data-testid="replay-note"]`), ""); got != tc.note {
				t.Errorf("note %q, want %q", got, tc.note)
			}
			// rows: past, current, future around the step
			var classes []string
			doc.Find(`[data-testid="replay-row"]`).Each(func(_ int, s *goquery.Selection) {
				for _, c := range []string{"past", "current", "future"} {
					if s.HasClass(c) {
						classes = append(classes, c)
					}
				}
			})
			if len(classes) != 6 || classes[atoi(t, tc.step)-1] != "current" ||
				strings.Count(strings.Join(classes, " "), "current") != 1 {
				t.Errorf("row classes %v at step %s", classes, tc.step)
			}
			if doc.Find(`[data-testid="entity-state"][open]`).Length() != 1 {
				t.Errorf("the only entity is not shown open")
			}
			if got := attrs(doc, `[data-testid="event-detail"]`, "data-event-id"); len(got) != 1 {
				t.Errorf("event detail %v, want one", got)
			}
		})
	}
}

func TestReplayControls(t *testing.T) {
	ts := newReplayServer(t)
	base := ReplayURL(replayFlowID)
	tests := []struct {
		query                      string
		first, prev, next, last    string
		firstOff, lastOff, slider  string
		position, timeURL, arrival string
	}{
		{query: "", first: base + "?step=1", prev: base + "?step=1", next: base + "?step=2", last: base + "?step=6",
			firstOff: "true", lastOff: "", slider: "1", position: "Step 1 of 6",
			timeURL: base + "?step=1", arrival: base + "?order=arrival&step=1"},
		{query: "?step=4&future=hide", first: base + "?future=hide&step=1", prev: base + "?future=hide&step=3",
			next: base + "?future=hide&step=5", last: base + "?future=hide&step=6", slider: "4", position: "Step 4 of 6",
			timeURL: base + "?future=hide&step=4", arrival: base + "?future=hide&order=arrival&step=2"},
		{query: "?step=6&order=arrival&entity=data.orderId", first: base + "?entity=data.orderId&order=arrival&step=1",
			prev: base + "?entity=data.orderId&order=arrival&step=5", next: base + "?entity=data.orderId&order=arrival&step=6",
			last: base + "?entity=data.orderId&order=arrival&step=6", lastOff: "true", slider: "6", position: "Step 6 of 6",
			timeURL: base + "?entity=data.orderId&step=6", arrival: base + "?entity=data.orderId&order=arrival&step=6"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			doc := parseHTML(t, ts.get(t, base+tc.query).Body.String())
			one := func(sel, attr string) string {
				v := attrs(doc, sel, attr)
				if len(v) != 1 {
					t.Fatalf("%s: %d matches", sel, len(v))
				}
				return v[0]
			}
			got := []string{one(`[data-testid="replay-first"]`, "href"), one(`[data-testid="replay-prev"]`, "href"),
				one(`[data-testid="replay-next"]`, "href"), one(`[data-testid="replay-last"]`, "href"),
				one(`[data-testid="replay-first"]`, "aria-disabled"), one(`[data-testid="replay-last"]`, "aria-disabled"),
				one(`[data-testid="replay-slider"]`, "value"), texts(doc, `[data-testid="replay-position"]`)[0],
				one(`[data-testid="replay-order-time"]`, "href"), one(`[data-testid="replay-order-arrival"]`, "href")}
			want := []string{tc.first, tc.prev, tc.next, tc.last, tc.firstOff, tc.lastOff, tc.slider, tc.position, tc.timeURL, tc.arrival}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("controls (-want +got):\n%s", diff)
			}
			if one(`[data-testid="replay-slider"]`, "max") != "6" || one(`[data-testid="replay-slider"]`, "name") != "step" {
				t.Errorf("slider is not a step field up to 6")
			}
			// every step link names its own step; the form keeps the options
			steps := attrs(doc, `[data-testid="replay-step-link"]`, "href")
			if len(steps) != 6 || !strings.HasSuffix(steps[2], "step=3") {
				t.Errorf("step links %v", steps)
			}
		})
	}
	// hide future: the list says so; the form carries it
	doc := parseHTML(t, ts.get(t, base+"?future=hide&order=arrival").Body.String())
	if !doc.Find(`[data-testid="replay-page"]`).HasClass("future-hide") {
		t.Errorf("future=hide page has no future-hide class")
	}
	if got := attrs(doc, `[data-testid="replay-controls"] input[type=hidden]`, "value"); !cmp.Equal(got, []string{"arrival", "hide"}) {
		t.Errorf("hidden form fields %v", got)
	}
	if got := texts(doc, `[data-testid="replay-order-diff"]`); len(got) != 1 || !strings.Contains(got[0], "1 of 6 events changes place") {
		t.Errorf("order difference %v", got)
	}
	if got := attrs(doc, `[data-testid="replay-row"] [data-testid="replay-moved"]`, "title"); !cmp.Equal(got, []string{"#4 in the other order"}) {
		t.Errorf("moved markers %v", got)
	}
}

func TestReplayPartial(t *testing.T) {
	ts := newReplayServer(t)
	rec := ts.get(t, ReplayURL(replayFlowID)+"?step=4", "HX-Request", "true", "HX-Target", "replay-frame")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(body, "<html") || !strings.HasPrefix(strings.TrimSpace(body), `<div id="replay-frame"`) {
		t.Fatalf("partial: status %d, body %.200s", rec.Code, body)
	}
	doc := parseHTML(t, body)
	if got := stateOf(doc, replayFlowID); !strings.Contains(strings.Join(got, "\n"), `paymentStatus="failed" added`) {
		t.Errorf("partial state %v", got)
	}
	if v := rec.Header().Get("Vary"); !strings.Contains(v, "HX-Target") {
		t.Errorf("Vary %q", v)
	}
	// another target gets the whole page
	if rec := ts.get(t, ReplayURL(replayFlowID), "HX-Request", "true", "HX-Target", "main"); !strings.Contains(rec.Body.String(), "<html") {
		t.Errorf("HX-Target main: not the full page")
	}
}

func TestReplayErrors(t *testing.T) {
	ts := newReplayServer(t)
	for _, tc := range []struct {
		target string
		status int
		msg    string
	}{
		{ReplayURL(replayFlowID) + "?step=0", 400, "bad step"},
		{ReplayURL(replayFlowID) + "?step=x", 400, "bad step"},
		{ReplayURL(replayFlowID) + "?at=yesterday", 400, "bad at"},
		{ReplayURL(replayFlowID) + "?at=2026-11-23T09:00:00Z", 400, "before the first step"},
		{ReplayURL(replayFlowID) + "?at=2026-11-23T10:00:00Z&step=1", 400, "not both"},
		{ReplayURL(replayFlowID) + "?order=random", 400, "bad order"},
		{ReplayURL(replayFlowID) + "?future=blur", 400, "bad future"},
		{ReplayURL(replayFlowID) + "?entity=data..x", 400, "bad entity"},
		{ReplayURL("nope"), 404, "not found"},
		{"/api" + ReplayURL(replayFlowID) + "?order=random", 400, "bad order"},
		{"/api" + ReplayURL(replayFlowID) + "?entity=a.", 400, "bad entity"},
		{"/api" + ReplayURL("nope"), 404, "not found"},
	} {
		rec := ts.get(t, tc.target)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.msg) {
			t.Errorf("GET %s: %d %.300s, want %d %q", tc.target, rec.Code, rec.Body, tc.status, tc.msg)
		}
		if strings.HasPrefix(tc.target, "/api/") && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: Content-Type %q, want JSON", tc.target, rec.Header().Get("Content-Type"))
		}
	}
}

// TestReplayPaths: IDs with "/" and reserved characters reach the replay,
// and the flow page still answers for them and links to their replay.
func TestReplayPaths(t *testing.T) {
	ts := newReplayServer(t)
	id := "tenant/a b%2F?#x"
	if rec := ts.get(t, ReplayURL(id)); rec.Code != 200 || !strings.Contains(rec.Body.String(), `data-flow-id="tenant/a b%2F?#x"`) {
		t.Errorf("replay of %q: %d", id, rec.Code)
	}
	rec := ts.get(t, FlowURL(id))
	doc := parseHTML(t, rec.Body.String())
	if rec.Code != 200 || !cmp.Equal(attrs(doc, `[data-testid="replay-link"]`, "href"), []string{ReplayURL(id)}) {
		t.Errorf("flow page %d: replay links %v, want %s", rec.Code, attrs(doc, `[data-testid="replay-link"]`, "href"), ReplayURL(id))
	}
	if got := ReplayURL(id); got != "/flows/"+url.PathEscape(id)+"/replay" {
		t.Errorf("ReplayURL = %s", got)
	}
	// a flow whose ID ends in "/replay" is reachable escaped
	if rec := ts.get(t, "/flows/"+url.PathEscape("x/replay")); rec.Code != 404 || strings.Contains(rec.Body.String(), "replay-page") {
		t.Errorf("flow x/replay: %d", rec.Code)
	}
	// user-controlled strings stay escaped
	if body := ts.get(t, ReplayURL("xss")).Body.String(); strings.Contains(body, "<script>alert") {
		t.Errorf("unescaped script in the replay of xss")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("atoi %q: %v", s, err)
	}
	return n
}

// TestReplayOneBinaryEvent: a flow of one dead-lettered record whose
// payload is bytes replays as one step with no state, a note and the
// dead letter appearing at it.
func TestReplayOneBinaryEvent(t *testing.T) {
	ts := newTestServer(t, Options{})
	rec := ts.get(t, ReplayURL("key:cust/42"))
	doc := parseHTML(t, rec.Body.String())
	if rec.Code != 200 || doc.Find(`[data-testid="replay-no-state"]`).Length() != 1 {
		t.Fatalf("status %d, no empty state note", rec.Code)
	}
	if got := texts(doc, `[data-testid="replay-note"]`); len(got) != 1 || !strings.Contains(got[0], "not JSON (base64)") {
		t.Errorf("note %v", got)
	}
	if got := attrs(doc, `[data-testid="replay-anomaly"]`, "data-kind"); !cmp.Equal(got, []string{"dead_letter"}) {
		t.Errorf("anomalies %v", got)
	}
	for _, id := range []string{"replay-first", "replay-prev", "replay-next", "replay-last"} {
		if got := attrs(doc, `[data-testid="`+id+`"]`, "aria-disabled"); !cmp.Equal(got, []string{"true"}) {
			t.Errorf("%s disabled %v on the only step", id, got)
		}
	}
	if got := attrs(doc, `[data-testid="replay-order-same"]`, "data-testid"); len(got) != 1 {
		t.Errorf("one event: orders agree")
	}
}
