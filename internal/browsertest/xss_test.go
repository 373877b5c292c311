package browsertest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// xssPayloads are markup, attribute, URL and template injections; each
// calls alert when it runs.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	`'><img src=x onerror=alert(1)>`,
	`</textarea><img src=x onerror=alert(1)>`,
	`{{7*7}}`,
}

// TestXSSInBrowser publishes a flow whose IDs, types, sources, keys,
// header names and values and payloads hold injections into the demo's
// broker, then uses every page that shows it in chromium, twice: with the
// server's CSP (nothing may be blocked: a blocked script is an injection
// that got through) and with the CSP bypassed through DevTools (no alert
// may open: the escaping alone must hold).
func TestXSSInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	w := watchPage(t, b)
	d := StartDemo(t, "--rate", "1")
	nano := time.Now().UnixNano()
	corr := fmt.Sprintf("xss-%d-%s%s", nano, xssPayloads[0], xssPayloads[1])
	topic := fmt.Sprintf("xss-%d", nano)

	// the live page is open while the events arrive: live.js adds them
	b.Navigate(d.URL + "/live")
	b.WaitVisible(`#live`)
	b.WaitFor("the live stream", `document.getElementById("live").dataset.connected === "true"`, 10*time.Second)
	ids := publishXSS(t, brokerOf(t, d), topic, corr, nano)
	waitForEvents(t, d.URL, corr, len(ids), 60*time.Second)
	b.WaitFor("the flow's events on the live page", `Array.from(document.querySelectorAll("[data-testid=live-row]")).some(r => r.dataset.eventId === `+strconv.Quote(ids[0])+`)`, 10*time.Second)
	w.check(t, "live page")

	for _, bypass := range []bool{false, true} {
		if _, err := chromedp.Call(b.ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: bypass}); err != nil {
			t.Fatalf("set bypass CSP %v: %v", bypass, err)
		}
		name := "WithCSP"
		if bypass {
			name = "CSPBypassed"
		}
		t.Run(name, func(t *testing.T) { useXSSPages(t, b, w, d.URL, corr, ids) })
	}
}

// useXSSPages opens every page that shows the flow and uses its scripts.
func useXSSPages(t *testing.T, b *Browser, w *pageWatch, base, corr string, ids []string) {
	flow := base + "/flows/" + url.PathEscape(corr)
	visit := func(what, u, ready string) {
		t.Helper()
		b.Navigate(u)
		b.WaitVisible(ready)
		w.check(t, what)
	}
	visit("live page", base+"/live", `#live`)
	visit("dashboard", base+"/", `[data-testid=dashboard]`)
	visit("services", base+"/services", `[data-testid=service-map] svg`)
	visit("search all", base+"/search?q=*", `[data-testid=flow-row]`)
	for _, p := range xssPayloads {
		q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p) + `"`
		visit("search type "+p, base+"/search?q="+url.QueryEscape("type:"+q), `[data-testid=flow-row]`)
		visit("bad query "+p, base+"/search?q="+url.QueryEscape("anomaly:"+q), `[data-testid=search-error]`)
	}

	visit("flow page, Gantt", flow, `[data-testid=gantt-svg]`)
	visit("flow page", flow+"?timeline=lanes", `[data-testid=graph-svg]`)
	for _, id := range ids {
		// a click on the graph box swaps the detail in (htmx)
		js := `(() => { const a = Array.from(document.querySelectorAll(".graph-svg a.node[data-event-id]")).find(a => a.dataset.eventId === ` + strconv.Quote(id) + `);
			if (!a) return false; a.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true, button: 0})); return true; })()`
		if !Eval[bool](b, js) {
			t.Fatalf("no graph box for event %q", id)
		}
		b.WaitFor("detail of "+id, `document.getElementById("event-detail").dataset.eventId === `+strconv.Quote(id), 5*time.Second)
	}
	b.Click(`[data-testid=zoom-in]`)
	b.WaitFor("zoomed timeline", `location.search.includes("from=")`, 5*time.Second)
	w.check(t, "flow page, every event selected")
	b.Screenshot("xss-flow.png")

	for _, id := range ids {
		visit("event page "+id, base+"/events/"+url.PathEscape(id), `[data-testid=main]`)
	}
	visit("replay", flow+"/replay", `[data-testid=replay-frame]`)
	for step := 2; step <= len(ids); step++ { // replay.js swaps each frame in
		b.Do("press ArrowRight", chromedp.KeyEvent(kb.ArrowRight))
		b.WaitFor("step "+strconv.Itoa(step), `document.getElementById("replay-frame").dataset.step === "`+strconv.Itoa(step)+`"`, 5*time.Second)
	}
	w.check(t, "replay, every step")
	if got := Eval[string](b, `document.querySelector("[data-testid=replay-flow-link]").textContent`); got != corr {
		t.Errorf("replay names the flow %q, want %q (escaped, not dropped)", got, corr)
	}
}

// publishXSS publishes a chain of one event per payload (each caused by
// the one before), an orphan and a duplicate of the first, as JSON
// envelopes with the payload as event ID (first: a link made of it starts
// with it), type, producer, key, header name and value and payload field,
// on topic (Kafka allows no markup in topic names). It returns the
// distinct event IDs in causal order.
func publishXSS(t *testing.T, broker, topic, corr string, nano int64) []string {
	t.Helper()
	start := time.Now().UTC()
	var ids []string
	var msgs []*sarama.ProducerMessage
	add := func(payload, id, cause string, at time.Time) {
		v, _ := json.Marshal(map[string]string{"eventId": id, "causationId": cause, "correlationId": corr,
			"eventType": payload, "producer": payload, "timestamp": at.Format(time.RFC3339Nano),
			payload: payload, "note": strings.Join(xssPayloads, " ")})
		msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(payload), Value: sarama.ByteEncoder(v),
			Headers: []sarama.RecordHeader{{Key: []byte(payload), Value: []byte(payload)}}})
	}
	cause := ""
	for i, x := range xssPayloads {
		id := fmt.Sprintf("%s-%d-%d", x, nano, i)
		add(x, id, cause, start.Add(time.Duration(i)*time.Millisecond))
		ids, cause = append(ids, id), id
	}
	orphan := fmt.Sprintf("%s-%d-orphan", xssPayloads[2], nano)
	add(xssPayloads[2], orphan, "ghost-"+xssPayloads[0], start.Add(10*time.Millisecond))
	ids = append(ids, orphan)
	add(xssPayloads[0], ids[0], "", start.Add(11*time.Millisecond)) // published twice
	publishTo(t, broker, topic, msgs)
	return ids
}
