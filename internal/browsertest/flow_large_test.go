package browsertest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// bulkEvents is the size of the flow TestLargeFlowInBrowser publishes:
// above the graph's collapse threshold (300).
const bulkEvents = 400

// TestLargeFlowInBrowser publishes a 401-event flow into the demo's
// embedded broker (a root and 400 effects on a topic of their own), opens
// it, checks the graph is collapsed into groups, clicks a group box and
// checks that htmx swapped in a page (200) of its members without a page
// load, that the page stays small and fits, and that "show more" and
// "Collapse all" work.
func TestLargeFlowInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	d := StartDemo(t, "--rate", "1")
	corr := fmt.Sprintf("bulk-%d", time.Now().UnixNano())
	publishBulk(t, brokerOf(t, d), corr)
	waitForEvents(t, d.URL, corr, bulkEvents+1, 60*time.Second)

	b.Navigate(d.URL + "/flows/" + url.PathEscape(corr))
	b.WaitVisible(`[data-testid=graph-svg]`)
	if !Eval[bool](b, `document.querySelector("[data-testid=flow-graph]").dataset.collapsed === "true"`) {
		t.Fatal("a 401-event flow is not drawn collapsed")
	}
	group := "group:importer/ItemImported"
	sel := `.graph-svg a.node.group[data-node="` + group + `"]`
	if got := Eval[string](b, `document.querySelector(`+strconv.Quote(sel)+`).dataset.count`); got != strconv.Itoa(bulkEvents) {
		t.Fatalf("group box counts %q events, want %d", got, bulkEvents)
	}
	before := Eval[float64](b, `performance.timeOrigin`)
	b.Click(sel)
	// a page of members (200) one by one, the other 200 in one box
	members := `document.querySelectorAll(".graph-svg a.member[data-group=\"` + group + `\"]").length`
	b.WaitFor("expanded group", members+` === 200`, 10*time.Second)
	if got := Eval[string](b, `document.querySelector(`+strconv.Quote(sel)+`).dataset.count`); got != strconv.Itoa(bulkEvents-200) {
		t.Errorf("the box of members not drawn counts %q, want %d", got, bulkEvents-200)
	}
	checkFits(t, b, "expanded group", "[data-testid=graph-svg]")
	svgNodes := Eval[int](b, `document.querySelector("[data-testid=graph-svg]").querySelectorAll("*").length`)
	allNodes := Eval[int](b, `document.querySelectorAll("*").length`)
	t.Logf("expanded: %d SVG nodes in the graph, %d DOM nodes in all", svgNodes, allNodes)
	if svgNodes > 5000 || allNodes > 20000 {
		t.Errorf("expanded: %d SVG nodes in the graph (want < 5,000), %d in all (want < 20,000)", svgNodes, allNodes)
	}
	if after := Eval[float64](b, `performance.timeOrigin`); after != before {
		t.Error("expanding loaded a new page; want an htmx swap of the graph")
	}
	if loc := b.Location(); !regexp.MustCompile(`[?&]expand=group%3Aimporter%2FItemImported`).MatchString(loc) {
		t.Errorf("location %s does not carry the expanded group", loc)
	}
	// 200+ boxes: the minimap shows them, pressing on it moves the view
	b.WaitVisible(`[data-testid=graph-minimap]`)
	if n := Eval[int](b, `document.querySelectorAll("[data-testid=graph-minimap] .mini-box").length`); n != Eval[int](b, `document.querySelectorAll("[data-testid=graph-svg] .node > rect").length`) {
		t.Errorf("the minimap draws %d boxes, the graph %d", n, Eval[int](b, `document.querySelectorAll("[data-testid=graph-svg] .node > rect").length`))
	}
	b.Click(`[data-testid=graph-zoom-in]`) // the part in view (its area: the drawing is tall) shrinks
	view := `document.querySelector("[data-testid=graph-svg]").getAttribute("data-view")`
	frame := `(() => { const f = document.querySelector("[data-testid=graph-minimap-frame]"); return ["x","y","width","height"].map(a => f.getAttribute(a)).join(" ") })()`
	b.WaitFor("the minimap's frame follows the zoom", frame+` === `+view+` && (v => v[2] * v[3])(`+view+`.split(" ").map(Number)) < (b => b.width * b.height)(document.querySelector("[data-testid=graph-svg]").viewBox.baseVal) * 0.8`, 5*time.Second)
	vb := Eval[string](b, view)
	Eval[bool](b, `(() => { const m = document.querySelector("[data-testid=graph-minimap]"), r = m.getBoundingClientRect();
		m.dispatchEvent(new PointerEvent("pointerdown", {clientX: r.right - 3, clientY: r.bottom - 3, bubbles: true, pointerId: 1})); return true })()`)
	b.WaitFor("pressing the minimap's corner moves the view", view+` !== `+strconv.Quote(vb)+` && `+frame+` === `+view, 5*time.Second)
	b.Click(`[data-testid=graph-zoom-fit]`)
	b.Screenshot("flow-large-expanded.png")
	// show more draws the rest; collapse all folds the group again
	b.Click(`[data-testid=group-more]`)
	b.WaitFor("second page", members+` === `+strconv.Itoa(bulkEvents), 10*time.Second)
	b.Click(`[data-testid=collapse-all]`)
	b.WaitFor("collapsed again", members+` === 0 && document.querySelector(`+strconv.Quote(sel)+`) !== null`, 10*time.Second)
}

// brokerOf reads the embedded broker's address from the demo's log.
func brokerOf(t testing.TB, d *Demo) string {
	t.Helper()
	re := regexp.MustCompile(`brokers=\[([^\] ]+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(d.Logs()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no broker address in the demo's log:\n%s", d.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// publishBulk publishes a BulkStarted event and bulkEvents ItemImported
// events it caused, as JSON envelopes, on a new topic.
func publishBulk(t *testing.T, broker, corr string) {
	t.Helper()
	topic := "bulk-imports"
	start := time.Now().UTC()
	msg := func(id, cause, typ string, at time.Time) *sarama.ProducerMessage {
		v, _ := json.Marshal(map[string]string{"eventId": id, "causationId": cause, "correlationId": corr,
			"eventType": typ, "producer": "importer", "timestamp": at.Format(time.RFC3339Nano)})
		return &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(corr), Value: sarama.ByteEncoder(v)}
	}
	msgs := []*sarama.ProducerMessage{msg(corr+"-root", "", "BulkStarted", start)}
	for i := range bulkEvents {
		msgs = append(msgs, msg(fmt.Sprintf("%s-%03d", corr, i), corr+"-root", "ItemImported", start.Add(time.Duration(i+1)*time.Millisecond)))
	}
	publishTo(t, broker, topic, msgs)
}

// waitForEvents polls /api/flows/{corr} until it holds n events.
func waitForEvents(t *testing.T, base, corr string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var f struct {
			Events []json.RawMessage `json:"events"`
		}
		if getJSON(base+"/api/flows/"+url.PathEscape(corr), &f) == nil && len(f.Events) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("flow %s has %d events after %s, want %d", corr, len(f.Events), within, n)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
