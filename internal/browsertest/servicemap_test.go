package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/chromedp/chromedp"
)

// bigMapServices, bigMapTopics: the size of the service map
// TestServiceMapLabelsInBrowser publishes, on top of the demo's own.
const bigMapServices, bigMapTopics = 28, 8

// TestServiceMapLabelsInBrowser publishes a big system into the demo's
// broker (28 services with long names, 8 topics, long event types, each
// service publishing three types to two topics, so many edges carry
// several types) and opens /services at 1440×900 and 390×844. Measured in
// chromium (getBBox, in drawing units): no edge label overlaps another
// label or a box, none reaches outside the drawing, the drawing fits the
// viewport, and a label cut short ("…") has its whole text as a tooltip
// and in the edge table.
func TestServiceMapLabelsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	d := StartDemo(t, "--rate", "1")
	corr := fmt.Sprintf("bigmap-%d", time.Now().UnixNano())
	n := publishBigMap(t, brokerOf(t, d), corr)
	waitForEvents(t, d.URL, corr, n, 60*time.Second)

	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			b.Do("viewport "+vp.name, chromedp.EmulateViewport(vp.w, vp.h))
			b.Navigate(d.URL + "/services")
			b.WaitVisible(`[data-testid=map-svg]`)
			if got := Eval[int](b, `document.querySelectorAll("[data-testid=service-node]").length`); got < bigMapServices {
				t.Fatalf("the map draws %d services, want at least %d", got, bigMapServices)
			}
			checkFits(t, b, "services at "+vp.name, `[data-testid=map-svg]`)
			var bad []string
			bad = Eval[[]string](b, mapLabelCheck)
			for _, m := range bad[:min(len(bad), 20)] {
				t.Error(m)
			}
			if len(bad) > 20 {
				t.Errorf("and %d more", len(bad)-20)
			}
			t.Logf("%s: %d edges, %d labels drawn, %d boxes, %d labels cut short; %d problems", vp.name,
				Eval[int](b, `document.querySelectorAll("[data-testid=map-edge]").length`),
				Eval[int](b, `document.querySelectorAll("[data-testid=map-edge] text").length`),
				Eval[int](b, `document.querySelectorAll("[data-testid=map-svg] rect").length`),
				Eval[int](b, `Array.from(document.querySelectorAll("[data-testid=map-edge] text")).filter(e => e.textContent.endsWith("…")).length`), len(bad))
			b.Screenshot("services-big-" + vp.name + ".png")
			for range 4 { // readable once zoomed in
				b.Click(`[data-testid=map-zoom-in]`)
			}
			b.ViewportScreenshot("services-big-zoomed-" + vp.name + ".png")
		})
	}
}

// mapLabelCheck lists what is wrong with the service map's edge labels,
// measured by getBBox in drawing units: overlaps with another label or a
// node box (more than 1 unit each way), parts outside the viewBox, a cut
// label without its whole text in a tooltip and in the edge table.
const mapLabelCheck = `(() => {
	const svg = document.querySelector("[data-testid=map-svg]"), vb = svg.viewBox.baseVal;
	const box = el => { const b = el.getBBox(); return {x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height}; };
	const hit = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 1 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1;
	const labels = Array.from(svg.querySelectorAll("[data-testid=map-edge] text")).map(el => ({el, b: box(el), t: el.textContent,
		g: el.closest("[data-testid=map-edge]")}));
	const nodes = Array.from(svg.querySelectorAll("[data-testid$=-node] rect")).map(el => ({b: box(el), n: el.closest("[data-name]").dataset.name}));
	const table = document.querySelector("[data-testid=map-edges]").textContent;
	const out = [];
	const name = l => JSON.stringify(l.t) + " (" + l.g.dataset.from + " → " + l.g.dataset.to + ")";
	labels.forEach((l, i) => {
		for (let j = i + 1; j < labels.length; j++) if (hit(l.b, labels[j].b)) out.push("label " + name(l) + " overlaps label " + name(labels[j]));
		nodes.forEach(n => { if (hit(l.b, n.b)) out.push("label " + name(l) + " overlaps the box of " + n.n); });
		if (l.b.x0 < vb.x - 0.5 || l.b.y0 < vb.y - 0.5 || l.b.x1 > vb.x + vb.width + 0.5 || l.b.y1 > vb.y + vb.height + 0.5)
			out.push("label " + name(l) + " is cut by the drawing's edge: " + [l.b.x0, l.b.y0, l.b.x1, l.b.y1].map(Math.round) + " outside 0,0," + Math.round(vb.width) + "," + Math.round(vb.height));
		if (l.t.endsWith("…")) {
			const title = l.g.querySelector("title");
			if (!title || !title.textContent.startsWith(l.t.slice(0, -1))) out.push("cut label " + name(l) + " has no tooltip with its whole text");
			else title.textContent.split(", ").forEach(part => { const ty = part.split(" ×")[0]; if (!table.includes(ty)) out.push("cut label " + name(l) + ": type " + ty + " is not in the edge table"); });
		}
	});
	// an edge whose label found no free place draws none: its tooltip and
	// the edge table have it
	svg.querySelectorAll("[data-testid=map-edge]").forEach(g => {
		if (g.querySelector("text") || g.dataset.to.startsWith("group:")) return;
		const title = g.querySelector("title");
		if (!title || !title.textContent) out.push("edge " + g.dataset.from + " → " + g.dataset.to + " has neither a label nor a tooltip");
		else title.textContent.split(", ").forEach(part => { const ty = part.split(" ×")[0]; if (!table.includes(ty)) out.push("unlabelled edge " + g.dataset.from + " → " + g.dataset.to + ": type " + ty + " is not in the edge table"); });
	});
	return out;
})()`

// publishBigMap publishes, as one flow corr, a system of bigMapServices
// services and bigMapTopics topics: service i starts a chain on topic
// i mod 8, service i+1 reacts to it on topic i+3 mod 8 and service i+5 to
// that on topic i+5 mod 8; every type name is long. It returns the number
// of events.
func publishBigMap(t *testing.T, broker, corr string) int {
	t.Helper()
	words := []string{"inventory-reservation", "payment-authorisation", "customer-notification", "loyalty-points-ledger",
		"shipment-label-printing", "fraud-risk-scoring", "warehouse-slotting", "invoice-generation", "tax-calculation",
		"returns-processing", "catalogue-enrichment", "pricing-rules-engine", "subscription-billing", "address-validation"}
	verbs := []string{"Requested", "Confirmed", "Rejected"}
	service := func(i int) string { i %= bigMapServices; return fmt.Sprintf("%s-service-%02d", words[i%len(words)], i) }
	topic := func(i int) string { return fmt.Sprintf("bigmap.%s-events", words[(i%bigMapTopics+3)%len(words)]) }
	typ := func(i, k int) string {
		w := strings.ReplaceAll(strings.Title(strings.ReplaceAll(words[i%len(words)], "-", " ")), " ", "") //nolint:staticcheck // ASCII words
		return fmt.Sprintf("%s%sEventV%d", w, verbs[k], k+1)
	}
	byTopic := map[string][]*sarama.ProducerMessage{}
	start := time.Now().UTC()
	n := 0
	send := func(id, cause string, svc, tp int, k int) {
		v, _ := json.Marshal(map[string]string{"eventId": id, "causationId": cause, "correlationId": corr,
			"eventType": typ(svc, k), "producer": service(svc), "timestamp": start.Add(time.Duration(n) * time.Millisecond).Format(time.RFC3339Nano)})
		byTopic[topic(tp)] = append(byTopic[topic(tp)], &sarama.ProducerMessage{Topic: topic(tp), Key: sarama.StringEncoder(corr), Value: sarama.ByteEncoder(v)})
		n++
	}
	for i := range bigMapServices {
		root, mid := fmt.Sprintf("%s-%02d-a", corr, i), fmt.Sprintf("%s-%02d-b", corr, i)
		send(root, "", i, i, 0)
		send(mid, root, i+1, i+3, 1)
		send(fmt.Sprintf("%s-%02d-c", corr, i), mid, i+5, i+5, 2)
	}
	for tp, msgs := range byTopic {
		publishTo(t, broker, tp, msgs)
	}
	return n
}
