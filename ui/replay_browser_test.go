package ui

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/eventscope/eventscope/internal/browsertest"
)

// wait is how long a step may take to show in the browser tests.
const wait = 10 * time.Second

const (
	jsFrameStep = `+document.getElementById("replay-frame").dataset.step`
	jsType      = `document.querySelector("[data-testid=replay-current-type]").textContent`
)

// jsField is the text of a state field of entity pizza-1 ("" when absent).
func jsField(path, part string) string {
	return `(function(){var f=document.querySelector('[data-testid=entity-state][data-entity="pizza-1"] [data-path="` +
		path + `"]');return f?(` + part + `):""})()`
}

// TestReplayBrowser steps through a compensated pizza order in chromium:
// forward to PaymentFailed, to the end, back to the cancellation, and plays
// it at 8x.
func TestReplayBrowser(t *testing.T) {
	b := browsertest.NewBrowser(t)
	srv := httptest.NewServer(New(Options{Store: newFakeStore(replayPizza()...)}))
	defer srv.Close()
	b.Navigate(srv.URL + ReplayURL(replayFlowID))
	b.WaitFor("replay.js", `document.documentElement.classList.contains("js-replay")`, wait)

	for step := 2; browsertest.Eval[string](b, jsType) != "PaymentFailed"; step++ {
		if step > 6 {
			t.Fatalf("pressed → to the end without reaching PaymentFailed")
		}
		b.Do("press →", chromedp.KeyEvent(kb.ArrowRight))
		b.WaitFor("step "+strconv.Itoa(step), jsFrameStep+` === `+strconv.Itoa(step), wait)
	}
	if got := browsertest.Eval[string](b, jsField("paymentStatus", `f.dataset.change+" "+f.querySelector("[data-testid=state-value]").textContent`)); got != `added "failed"` {
		t.Errorf("paymentStatus at PaymentFailed = %q, want added \"failed\"", got)
	}
	if got := browsertest.Eval[string](b, `location.search`); got != "?step=4" {
		t.Errorf("URL at PaymentFailed has %q, want ?step=4", got)
	}
	if got := browsertest.Eval[string](b, `document.querySelector("[data-testid=replay-row].current").dataset.eventId`); got != "r3" {
		t.Errorf("current row %q, want r3", got)
	}
	if got := browsertest.Eval[string](b, `[...document.querySelectorAll("[data-testid=graph-node]")].map(n => n.dataset.eventId+":"+n.classList.contains("past")+n.classList.contains("current")+n.classList.contains("future")).sort().join(" ")`); got != "r1:truefalsefalse r2:truefalsefalse r3:falsetruefalse r4:falsefalsetrue r5:falsefalsetrue" {
		t.Errorf("graph boxes at PaymentFailed: %s", got)
	}
	if got := browsertest.Eval[string](b, `document.querySelector("[data-testid=flow-timeline] a.current").dataset.eventId`); got != "r3" {
		t.Errorf("current timeline mark %q, want r3", got)
	}
	b.Screenshot("replay-payment-failed.png")

	// zooming the timeline reloads the replay at the same step
	b.Do("zoom in", chromedp.Click(chromedp.CSS("[data-testid=zoom-in]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=zoom-reset]"))) // only the zoomed page has it
	b.WaitFor("replay.js", `document.documentElement.classList.contains("js-replay")`, wait)
	if got := browsertest.Eval[string](b, jsFrameStep+` + " " + new URLSearchParams(location.search).get("step")`); got != "4 4" {
		t.Errorf("after zooming: frame step and URL step %q, want 4 4", got)
	}

	b.Do("press End", chromedp.KeyEvent(kb.End))
	b.WaitFor("last step", jsFrameStep+` === 6`, wait)
	for path, want := range map[string]string{"status": `"cancelled"`, "cancelReason": `"payment failed"`, "kitchenStatus": ``} {
		if got := browsertest.Eval[string](b, jsField(path, `f.querySelector("[data-testid=state-value]").textContent`)); got != want {
			t.Errorf("%s at the end = %q, want %q", path, got, want)
		}
	}
	b.Do("press ←", chromedp.KeyEvent(kb.ArrowLeft))
	b.WaitFor("OrderCancelled", jsFrameStep+` === 5`, wait)
	if got := browsertest.Eval[string](b, jsType); got != "OrderCancelled" {
		t.Errorf("step 5 is %q", got)
	}
	if got := browsertest.Eval[string](b, jsField("kitchenStatus", `f.dataset.change+" "+f.querySelector("del").textContent`)); got != `removed "prepared"` {
		t.Errorf("kitchenStatus at OrderCancelled = %q, want removed \"prepared\"", got)
	}
	if got := browsertest.Eval[string](b, jsField("status", `f.querySelector("[data-testid=state-old]").textContent`)); got != `was "placed"` {
		t.Errorf("status at OrderCancelled shows %q, want was \"placed\"", got)
	}
	b.Screenshot("replay-order-cancelled.png")

	// play at 8x from the start: the step advances on its own to the end
	b.Do("press Home, 8x", chromedp.KeyEvent(kb.Home), chromedp.SetValue(chromedp.CSS("[data-testid=replay-speed]"), "8"))
	b.WaitFor("first step", jsFrameStep+` === 1`, wait)
	b.Do("play", chromedp.Click(chromedp.CSS("[data-testid=replay-play]")))
	b.WaitFor("playing", `document.querySelector("[data-testid=replay-play]").getAttribute("aria-pressed") === "true"`, wait)
	b.WaitFor("the step to advance", jsFrameStep+` >= 3`, wait)
	b.WaitFor("the end and a pause", jsFrameStep+` === 6 && document.querySelector("[data-testid=replay-play]").getAttribute("aria-pressed") === "false"`, wait)
	if got := browsertest.Eval[string](b, `document.querySelector("[data-testid=replay-slider]").value`); got != "6" {
		t.Errorf("slider at %s after playing, want 6", got)
	}
	b.Screenshot("replay-played.png")

	// space plays and pauses, one event per tick
	b.Do("Home, one per tick", chromedp.KeyEvent(kb.Home), chromedp.SetValue(chromedp.CSS("[data-testid=replay-speed]"), "tick"))
	b.WaitFor("first step", jsFrameStep+` === 1`, wait)
	browsertest.Eval[bool](b, `document.activeElement.blur(), true`) // the keys go to the page
	b.Do("press space", chromedp.KeyEvent(" "))
	b.WaitFor("a tick", jsFrameStep+` >= 2`, wait)
	b.Do("press space", chromedp.KeyEvent(" "))
	b.WaitFor("paused", `document.querySelector("[data-testid=replay-play]").getAttribute("aria-pressed") === "false"`, wait)
}

// TestReplayBrowserFrames1k measures in chromium how long each step of a
// 1k-event flow takes to show (key press to swapped frame, as replay.js
// records it in data-frame-ms) and wants the median under 100 ms. The
// machine is shared, so a batch over it is measured once more before the
// test fails.
func TestReplayBrowserFrames1k(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: measures frame times")
	}
	b := browsertest.NewBrowser(t)
	srv := httptest.NewServer(New(Options{Store: newFakeStore(replayFlow1k()...)}))
	defer srv.Close()
	b.Navigate(srv.URL + ReplayURL("batch-1000") + "?step=500")
	b.WaitFor("replay.js", `document.documentElement.classList.contains("js-replay")`, wait)
	step := 500
	for try := 1; ; try++ {
		var ms []int
		for range 30 {
			step++
			b.Do("press →", chromedp.KeyEvent(kb.ArrowRight))
			b.WaitFor("step "+strconv.Itoa(step), jsFrameStep+` === `+strconv.Itoa(step), wait)
			ms = append(ms, browsertest.Eval[int](b, `+document.querySelector("[data-testid=replay-page]").dataset.frameMs`))
		}
		slices.Sort(ms)
		p50 := ms[len(ms)/2]
		t.Logf("1k-event flow, 30 steps: frame ms p50 %d, p90 %d, max %d", p50, ms[len(ms)*9/10], ms[len(ms)-1])
		if p50 <= 100 {
			break
		}
		if try == 2 {
			t.Fatalf("median frame %d ms twice, want under 100 ms", p50)
		}
	}
	b.Screenshot("replay-1k.png")
}
